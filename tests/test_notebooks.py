"""The notebooks that `make` runs with papermill. Papermill runs every code cell: it does not read nbdev's
`#| eval: false`, so a cell marked that way (say, one that reads another run's folder) would run, and fail, in a
training run."""
import json, re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def papermill_notebooks() -> list[str]:
    "The notebooks a Makefile target runs with papermill (`$(PM)` or `papermill`)."
    mk = (ROOT / "Makefile").read_text()
    return sorted(set(re.findall(r"(?:\$\(PM\)|papermill)\s+(?:--\S+\s+)*(nbs/[\w.]+\.ipynb)", mk)))


def test_papermill_notebooks_run_every_cell():
    nbs = papermill_notebooks()
    assert {"nbs/03_train_vqvae.ipynb", "nbs/04_predictors.ipynb", "nbs/04c_train_tokens.ipynb"} <= set(nbs), nbs
    for nb in nbs:
        cells = json.loads((ROOT / nb).read_text())["cells"]
        skipped = [c["id"] for c in cells if c["cell_type"] == "code" and "#| eval: false" in "".join(c["source"])]
        assert not skipped, f"{nb}: cells {skipped} are `#| eval: false`, but papermill runs them: move them out"
