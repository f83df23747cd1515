"""The `neural-enduro` console script as a user runs it: a real subprocess, exit codes and JSON on stdout."""
import json, subprocess, sys, shutil
from pathlib import Path
import pytest

EXE = shutil.which("neural-enduro") or str(Path(sys.executable).parent / "neural-enduro")


def run(*args, check=True, env=None):
    p = subprocess.run([EXE, *args], capture_output=True, text=True, timeout=300, env=env)
    if check: assert p.returncode == 0, p.stderr
    return p


def test_help_lists_commands():
    out = run("--help").stdout
    for cmd in ("collect", "bench", "demo"): assert cmd in out


def test_collect_json_and_refuses_existing_data(tmp_path):
    res = json.loads(run("collect", "--policy", "driver", "--steps", "120", "--out", str(tmp_path / "d"), "--json").stdout)
    assert res["transitions"] == 120 and res["policy"] == "driver"
    idx = json.loads((tmp_path / "d" / "index.json").read_text())
    assert sum(e["length"] for e in idx["episodes"]) == 120
    p = run("collect", "--steps", "10", "--out", str(tmp_path / "d"), check=False)
    assert p.returncode == 2 and "already holds data" in p.stderr and "Traceback" not in p.stderr
    assert json.loads((tmp_path / "d" / "index.json").read_text()) == idx   # untouched


@pytest.mark.parametrize("args,msg", [
    (["collect", "--steps", "10", "--game", "Endurro"], "Did you mean: Enduro"),
    (["collect", "--steps", "-3"], "positive integer"),
    (["collect"], "--steps and/or --episodes"),
    (["collect", "--steps", "10", "--policy", "wizard"], "unknown policy"),
    (["bench", "nothing"], "unknown benchmark"),
    (["fly"], "unknown command"),
    (["evaluate", str(Path(__file__).parents[1] / "data/eval/val_spec.json"), "--renderer", "warp"], "unknown renderer"),
])
def test_bad_input_is_a_clear_error(tmp_path, args, msg):
    p = run(*args, "--out", str(tmp_path / "x"), check=False) if args[0] == "collect" else run(*args, check=False)
    assert p.returncode == 2, p.stdout
    assert msg in p.stderr and "Traceback" not in p.stderr


def test_bench_collect_prints_figures():
    res = json.loads(run("bench", "collect", "--steps", "400", "--json").stdout)
    assert set(res) >= {"collect_steps_per_s", "raw_steps_per_s", "ratio"}
    assert res["collect_steps_per_s"] > 0 and res["raw_steps_per_s"] > 0


def test_bench_train_turns_on_huge_pages_unless_told_not_to():
    import os
    env = {k: v for k, v in os.environ.items() if k != "THP_MEM_ALLOC_ENABLE"} | {"OMP_NUM_THREADS": "1"}
    res = json.loads(run("bench", "train", "--json", env=env).stdout)
    assert res["THP_MEM_ALLOC_ENABLE"] == "1" and res["threads"] == 1   # the package sets it on import
    assert set(res["encode_batch256"]) == {"ms", "user_s", "sys_s", "page_faults"}
    off = json.loads(run("bench", "train", "--json", env=env | {"THP_MEM_ALLOC_ENABLE": "0"}).stdout)
    assert off["THP_MEM_ALLOC_ENABLE"] == "0"                            # a user's choice is kept


def test_diagnose_json_prints_both_setups():
    if not (Path(__file__).resolve().parents[1] / "checkpoints" / "enduro" / "predictor_action_seed.pt").exists():
        pytest.skip("no shipped checkpoints")
    res = json.loads(run("diagnose", "--steps", "10", "--json").stdout)
    assert {"seed", "shipped"} <= set(res)
    assert 0 <= res["seed"]["collapsed_fraction"] <= 1 and res["shipped"]["collapsed_fraction"] == 0


def test_evaluate_errors_name_the_problem(tmp_path):
    p = run("evaluate", str(tmp_path / "missing.json"), check=False)
    assert p.returncode == 2 and "spec not found" in p.stderr
    (tmp_path / "s.json").write_text(json.dumps({"game": "Pong", "episodes": [{"seed": 0, "actions": [0]}]}))
    p = run("evaluate", str(tmp_path / "s.json"), check=False)
    assert p.returncode == 2 and "no checkpoints for Pong" in p.stderr


def test_evaluate_prints_realism_and_writes_a_filmstrip(tmp_path):
    if not (Path(__file__).resolve().parents[1] / "checkpoints" / "enduro" / "predictor_state.pt").exists():
        pytest.skip("no shipped checkpoints")
    spec = {"game": "Enduro", "episodes": [{"seed": 1, "actions": [1] * 60}, {"seed": 2, "actions": [7] * 50}],
            "rollout_steps": 40, "starts": 2, "controllability_starts": 2, "controllability_seeds": 1}
    (tmp_path / "s.json").write_text(json.dumps(spec))
    png = tmp_path / "strip.png"
    res = json.loads(run("evaluate", str(tmp_path / "s.json"), "--filmstrip", str(png), "--json").stdout)
    assert list(res["realism_nn_gap_db"]) == ["15"] and list(res["realism_edge_ratio"]) == ["15"]
    assert res["realism_starts"] == 4 and res["c2st_acc"] is None   # nothing reaches step 100 in 40-step rollouts
    assert res["filmstrip"] == str(png) and png.read_bytes()[:4] == b"\x89PNG"


def test_agent_eval(tmp_path):
    p = run("agent-eval", "--checkpoint", str(tmp_path / "none.pt"), check=False)
    assert p.returncode == 2 and "no agent checkpoint" in p.stderr
    # an untrained agent, saved as training saves one: the command reports raw returns of full episodes
    from neural_enduro.agent import QNetwork, DQNConfig
    from neural_enduro.core import save_checkpoint
    from dataclasses import asdict
    ck = save_checkpoint(tmp_path / "agent.pt", "dqn", asdict(DQNConfig()), QNetwork(9))
    one_thread = dict(__import__("os").environ, OMP_NUM_THREADS="1")   # batch-2 forward passes: threads only contend
    res = json.loads(run("agent-eval", "--checkpoint", str(ck), "--episodes", "2", "--seed", "7", "--json", env=one_thread).stdout)
    assert len(res["returns"]) == 2 and all(3000 < s <= 3328 for s in res["steps"]) and res["mean_return"] == sum(res["returns"]) / 2
    p = run("agent-eval", "--checkpoint", str(ck), "--epsilon", "0.3", check=False)
    assert p.returncode == 2 and "epsilon" in p.stderr
