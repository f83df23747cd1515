# Neural Enduro: `make help` lists the targets.
SHELL := /bin/bash
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
export PYTHONHASHSEED := 0

.DEFAULT_GOAL := help
.PHONY: help browser check-browser install test format demo lab export check-sync check-readme readme clean-nbs bench
.PHONY: data train-vqvae train-predictors train-joint-gpu train-joint train-seed train-tokens train-own-holds
.PHONY: train-cpu train-all games train-tokens-gpu train-tokens-slim train-own-holds-slim train-pred-distill
.PHONY: train-tokens-dqn
.PHONY: evaluate train-dqn publish-dqn game game-tokens-ft game-pred-ft analysis probe-vqvae probe-context

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  %-18s %s\n", $$1, $$2}'

install: $(STAMP) browser  ## create .venv, install the package (CPU torch first) and Chromium where apt is

# The play test drives the game in Debian's Chromium: installed with apt-get where it is available (as root).
browser:  ## install Debian's Chromium for the play test when it is missing and apt-get is available
	@command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || ! command -v apt-get >/dev/null 2>&1 \
	 || { echo "installing Debian's chromium for the play test (log: /tmp/chromium-install.log)"; \
	      (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium) \
	         >/tmp/chromium-install.log 2>&1 \
	      || echo "could not install chromium: see /tmp/chromium-install.log"; }

check-browser:
	@command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || { echo "ERROR: the play test needs Chromium and \
	none was found. On Debian/Ubuntu: 'sudo apt-get install chromium' (or 'make browser' as root); elsewhere put a \
	chromium executable on PATH."; exit 1; }

# torch goes in first as the CPU build that lies on this machine's disk, so the package's
# looser `torch>=2.3` does not pull a multi-GB CUDA build.
$(STAMP): settings.ini setup.py
	test -x $(BIN)/python || python3 -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q torch==2.13.0
	$(BIN)/python -m pip install -q -e ".[dev]"
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $(STAMP)

export: install  ## write neural_enduro/ from nbs/ (nbdev_export)
	$(BIN)/nbdev_export

# The library must be exactly what the notebooks export: export into a scratch copy and diff.
check-sync: install  ## check that neural_enduro/ is exactly what nbs/ exports
	@tmp=$$(mktemp -d); cp -r settings.ini nbs neural_enduro $$tmp/; \
	 (cd $$tmp && $(CURDIR)/$(BIN)/nbdev_export) || exit 1; \
	 if diff -r -x __pycache__ neural_enduro $$tmp/neural_enduro; then echo "library in sync with nbs/"; rm -rf $$tmp; \
	 else echo "ERROR: neural_enduro/ differs from what nbdev_export writes: run 'make export'"; rm -rf $$tmp; exit 1; fi

# README.md is generated from nbs/index.ipynb (Quarto is not available here); cells tagged remove_input show only
# their output (the results table).
NBCONVERT_OPTS := --TagRemovePreprocessor.enabled=True --TagRemovePreprocessor.remove_input_tags=remove_input
readme: install  ## write README.md from nbs/index.ipynb
	$(BIN)/jupyter nbconvert --to markdown nbs/index.ipynb --stdout --log-level=ERROR $(NBCONVERT_OPTS) > README.md

check-readme: install  ## check that README.md matches nbs/index.ipynb
	@$(BIN)/jupyter nbconvert --to markdown nbs/index.ipynb --stdout --log-level=ERROR $(NBCONVERT_OPTS) \
	 | diff - README.md \
	 && echo "README.md matches nbs/index.ipynb" \
	 || (echo "ERROR: README.md differs from nbs/index.ipynb: run 'make readme'"; exit 1)

test: install check-browser check-sync check-readme  ## all tests: notebooks (nbdev_test), tests/ (a browser play test)
	OMP_NUM_THREADS=1 $(BIN)/nbdev_test --n_workers 2 --timing   # 2 notebooks at once, 1 thread each: no oversubscription
	$(BIN)/python -m pytest -q tests

# The main job: papermill runs the simulator notebook on the shipped checkpoints (a 1,000-step neural drive by the
# scripted driver beside the real emulator fed the same actions) -> data/neural_enduro_game.gif, a filmstrip + figures.
demo: install  ## drive the neural game 1,000 steps beside the real emulator: GIF, filmstrip, figures
	@mkdir -p runs/demo
	$(BIN)/papermill nbs/05_simulator.ipynb runs/demo/simulator.ipynb --no-progress-bar \
	  -p out_gif data/neural_enduro_game.gif -p figures_json runs/demo/figures.json \
	  -p filmstrip_png data/figures/demo_filmstrip.png
	@echo "figures:"; cat runs/demo/figures.json; echo

bench: install  ## print speed figures (collect, decoder, simulator, DQN update, training)
	$(BIN)/neural-enduro bench collect --json

# How the shipped checkpoints were made (2 CPU cores, about an hour in all). Each step is a papermill run of a training
# notebook that writes under runs/ and publishes its best checkpoint into checkpoints/enduro/. The world model and the
# predictors train on driver + random + DQN play (MIX), 15 GB of frames: frames_dir keeps them in one memory-mapped
# cache that all three runs share. The seed setup keeps the driver + random recordings it was made with (DATA).
# The world model trains in three stages: 4,000 steps on real frames, then two decoder-only fine-tunes on its own
# open-loop outputs (self_rollout, encoder frozen so the codes stay; see nbs/03). The action+state predictor trains on
# the codes of at most 80,000 frames per recording (about 210,000 pairs), then 4,000 more steps on all 373,000
# training pairs (encoding them all takes about 25 minutes once, cached in runs/latents_mix), then 1,500 steps
# with the previous action as an input and half of each batch counterfactual pairs from the emulator (every action
# tried from saved states of 5 train episodes per recording, runs/branches, made first: about 8 minutes), then 1,500
# steps with a quarter of each batch from those and a quarter held-action pairs (every 64 steps each action held for 6
# steps, runs/holds, made first: about 5 minutes).
# lr 0.0005: at 0.001 the world model's run diverges between steps 1,500 and 2,000 (train MSE x6, codes worth
# 0.05 dB, 89 codes used).
DATA := -y "data_dirs: [data/episodes/driver, data/episodes/random]"
MIX := -y "data_dirs: [data/episodes/driver, data/episodes/random, data/episodes/dqn]"
PM := $(BIN)/papermill --no-progress-bar -p smoke False   # the training notebooks' real runs (not their smoke test)
RUNS := mkdir -p runs/vqvae_warp runs/vqvae_selfroll runs/vqvae_selfroll2 runs/vqvae_seed runs/pred_state_mix \
  runs/pred_state_all runs/pred_state_branch runs/pred_state_hold runs/pred_action_mix runs/pred_action_seed
data: install  ## record driver, random and DQN play into data/episodes/
	$(BIN)/neural-enduro collect --policy driver --steps 200000 --out data/episodes/driver --seed 0
	$(BIN)/neural-enduro collect --policy random --steps 60000 --out data/episodes/random --seed 1000
	$(BIN)/neural-enduro collect --policy dqn --steps 200000 --out data/episodes/dqn --seed 3000 --num_envs 4

train-vqvae: install  ## train the CPU world model (3 stages) and publish it
	@$(RUNS)
	$(PM) nbs/03_train_vqvae.ipynb runs/vqvae_warp/train.ipynb -p run_dir runs/vqvae_warp -p steps 4000 -p batch_size 32 \
	  -p lr 0.0005 -p val_pairs 1024 -p eval_every 500 -p ckpt_every 250 -p threads 2 -p frames_dir runs/frames $(MIX)
	$(PM) nbs/03_train_vqvae.ipynb runs/vqvae_selfroll/train.ipynb -p run_dir runs/vqvae_selfroll -p steps 1000 \
	  -p batch_size 16 -p lr 0.0002 -p val_pairs 1024 -p eval_every 250 -p ckpt_every 125 -p threads 1 \
	  -p frames_dir runs/frames $(MIX) \
	  -p init_from runs/vqvae_warp/best.pt -p train_encoder False -p self_rollout 4 -p drift_horizon 15
	$(PM) nbs/03_train_vqvae.ipynb runs/vqvae_selfroll2/train.ipynb -p run_dir runs/vqvae_selfroll2 -p steps 500 \
	  -p batch_size 16 -p lr 0.0001 -p val_pairs 1024 -p eval_every 250 -p ckpt_every 125 -p threads 1 \
	  -p frames_dir runs/frames $(MIX) \
	  -p init_from runs/vqvae_selfroll/best.pt -p train_encoder False -p self_rollout 12 -p drift_horizon 15 \
	  -p publish_to checkpoints/enduro/vqvae.pt

train-predictors: install  ## train the action+state and action-only predictors on the CPU world model's codes
	@$(RUNS)
	$(PM) nbs/04_predictors.ipynb runs/pred_state_mix/train.ipynb -p run_dir runs/pred_state_mix -p model state \
	  -p vqvae_path checkpoints/enduro/vqvae.pt -p steps 4000 -p batch_size 64 -p val_pairs 1024 -p eval_every 500 \
	  -p ckpt_every 250 -p threads 2 -p cache_dir runs/latents_mix -p max_frames 80000 $(MIX)
	$(PM) nbs/04_predictors.ipynb runs/pred_state_all/train.ipynb -p run_dir runs/pred_state_all -p model state \
	  -p vqvae_path checkpoints/enduro/vqvae.pt -p init_from runs/pred_state_mix/best.pt -p rollout_horizon 15 \
	  -p steps 4000 -p batch_size 64 -p lr 0.0005 -p val_pairs 1024 -p eval_every 500 -p ckpt_every 250 -p threads 2 \
	  -p cache_dir runs/latents_mix -p frames_dir runs/frames $(MIX)
	$(PM) nbs/04_predictors.ipynb runs/pred_state_branch/train.ipynb -p run_dir runs/pred_state_branch -p model state \
	  -p vqvae_path checkpoints/enduro/vqvae.pt -p init_from runs/pred_state_all/best.pt -p branches runs/branches \
	  -p steps 1500 -p batch_size 64 -p lr 0.0003 -p val_pairs 1024 -p eval_every 250 -p ckpt_every 250 -p threads 2 \
	  -p cache_dir runs/latents_mix -p frames_dir runs/frames $(MIX)
	$(PM) nbs/04_predictors.ipynb runs/pred_state_hold/train.ipynb -p run_dir runs/pred_state_hold -p model state \
	  -p vqvae_path checkpoints/enduro/vqvae.pt -p init_from runs/pred_state_branch/best.pt -p branches runs/branches \
	  -p branch_frac 0.25 -p holds runs/holds -p hold_frac 0.25 \
	  -p steps 1500 -p batch_size 64 -p lr 0.0003 -p val_pairs 1024 -p eval_every 250 -p ckpt_every 250 -p threads 2 \
	  -p cache_dir runs/latents_mix -p frames_dir runs/frames $(MIX) -p publish_to checkpoints/enduro/predictor_state.pt
	$(PM) nbs/04_predictors.ipynb runs/pred_action_mix/train.ipynb -p run_dir runs/pred_action_mix -p model action \
	  -p vqvae_path checkpoints/enduro/vqvae.pt -p steps 1500 -p batch_size 256 -p val_pairs 1024 -p eval_every 500 \
	  -p ckpt_every 250 -p threads 2 -p cache_dir runs/latents_mix -p max_frames 80000 $(MIX) \
	  -p publish_to checkpoints/enduro/predictor_action.pt -p publish_half True

# The shipped world model and action+state predictor (nbs/04b_joint): the CPU models of make train-vqvae and make
# train-predictors, fine-tuned together with the rate term on a GPU (train-joint-gpu), then the decoder's two drift
# fine-tunes again and the action-only baseline on the new codes, on the CPU (train-joint). The GPU stages ran on one
# H100 beside four other settings each, under a time cap (400 s: best at step 4,000 of 4,968; then 220 s: best at step
# 2,000 of 2,699); here they are fixed step counts. Their frames: at most 28,000 from each recording (84,003). Last,
# the action+state predictor is fine-tuned on the CPU with half of each batch held-action pairs made with the new codes
# (runs/holds_joint, made first when missing: about 7 minutes) and the cells where the action changes the codes
# weighted 11x (contrast_weight 10; nbs/04_predictors). JOINT_DEVICE=cpu runs the joint stage on this CPU (far slower).
JOINT_DEVICE ?= cuda
JOINT = $(PM) nbs/04b_joint.ipynb runs/$(1)/train.ipynb -p run_dir runs/$(1) -p batch_size 128 -p max_frames 28000 \
  -p val_max_frames 4000 -p val_pairs 1024 -p eval_every 1000 -p ckpt_every 500 -p frames_dir runs/frames \
  -p device $(JOINT_DEVICE) $(MIX)
train-joint-gpu: install  ## GPU stage: world model and predictor trained together (JOINT_DEVICE=cpu: here)
	@mkdir -p runs/joint_w3 runs/joint_c7
	$(call JOINT,joint_w3) -p steps 4968 -p lr 0.0002 -p rate 0.0003 -y "rate_ramp: [0.0, 0.3]" \
	  -p init_vqvae runs/vqvae_selfroll2/best.pt -p init_predictor runs/pred_state_hold/best.pt
	$(call JOINT,joint_c7) -p steps 2699 -p lr 0.0001 -p rate 0.0007 -y "rate_ramp: [0.0, 0.1]" \
	  -p init_vqvae runs/joint_w3/best_vqvae.pt -p init_predictor runs/joint_w3/best_predictor.pt

JOINT_RUN ?= runs/joint_c7
JOINT_NOTE = $(JOINT_RUN)/best_vqvae.pt (nbs/04b_joint), then decoder-only drift fine-tunes: runs/joint_selfroll \
  (self_rollout 4), runs/joint_selfroll2 (self_rollout 12). The encoder, and so the codes, are the joint run\'s.
train-joint: install  ## after train-joint-gpu: publish the joint pair, drift fine-tunes, predictors (shipped set)
	@mkdir -p runs/joint_selfroll runs/joint_selfroll2 runs/pred_action_joint runs/pred_state_hold_joint
	$(BIN)/python -c "from neural_enduro.joint import publish_joint; publish_joint('$(JOINT_RUN)', 'checkpoints/enduro', \
	  overwrite=True, note='Trained with its world model (nbs/04b_joint, make train-joint-gpu) on one H100.')"
	$(PM) nbs/03_train_vqvae.ipynb runs/joint_selfroll/train.ipynb -p run_dir runs/joint_selfroll -p steps 1000 \
	  -p batch_size 16 -p lr 0.0002 -p val_pairs 1024 -p eval_every 250 -p ckpt_every 125 -p threads 2 \
	  -p frames_dir runs/frames $(MIX) \
	  -p init_from $(JOINT_RUN)/best_vqvae.pt -p train_encoder False -p self_rollout 4 -p drift_horizon 15
	$(PM) nbs/03_train_vqvae.ipynb runs/joint_selfroll2/train.ipynb -p run_dir runs/joint_selfroll2 -p steps 500 \
	  -p batch_size 16 -p lr 0.0001 -p val_pairs 1024 -p eval_every 250 -p ckpt_every 125 -p threads 2 \
	  -p frames_dir runs/frames $(MIX) \
	  -p init_from runs/joint_selfroll/best.pt -p train_encoder False -p self_rollout 12 -p drift_horizon 15
	$(BIN)/python -c "from neural_enduro.train_vqvae import publish; \
	  publish('runs/joint_selfroll2', 'checkpoints/enduro/vqvae.pt', \
	  overwrite=True, hardware='encoder and first decoder: 1 H100 GPU; drift fine-tunes: 2 CPU cores', \
	  note='$(JOINT_NOTE)')"
	$(PM) nbs/04_predictors.ipynb runs/pred_action_joint/train.ipynb -p run_dir runs/pred_action_joint -p model action \
	  -p vqvae_path checkpoints/enduro/vqvae.pt -p steps 1500 -p batch_size 256 -p val_pairs 1024 -p eval_every 500 \
	  -p ckpt_every 250 -p threads 2 -p cache_dir runs/latents_joint -p frames_dir runs/frames -p max_frames 28000 \
	  $(MIX) -p publish_to checkpoints/enduro/predictor_action.pt -p publish_half True
	$(PM) nbs/04_predictors.ipynb runs/pred_state_hold_joint/train.ipynb -p run_dir runs/pred_state_hold_joint \
	  -p model state -p vqvae_path checkpoints/enduro/vqvae.pt -p init_from $(JOINT_RUN)/best_predictor.pt \
	  -p holds runs/holds_joint -p hold_frac 0.5 -p contrast_weight 10 -p steps 1500 -p batch_size 64 -p lr 0.0003 \
	  -p val_pairs 1024 -p eval_every 250 -p ckpt_every 250 -p threads 2 -p cache_dir runs/latents_joint \
	  -p frames_dir runs/frames -p max_frames 28000 $(MIX) \
	  -p publish_to checkpoints/enduro/predictor_state.pt

# The seed setup, for the baseline and the black-screen diagnosis: the seed's VQ-VAE structure (quarter widths) and
# its action-only MLP trained on random-agent pairs only.
train-seed: install  ## train and publish the seed's design (baseline, black-screen diagnosis)
	@$(RUNS)
	$(PM) nbs/03_train_vqvae.ipynb runs/vqvae_seed/train.ipynb -p run_dir runs/vqvae_seed -p config seed -p steps 1200 \
	  -p batch_size 16 -p val_pairs 1024 -p eval_every 300 -p ckpt_every 150 -p threads 2 -p max_frames 40000 $(DATA) \
	  -p publish_to checkpoints/enduro/vqvae_seed.pt
	$(PM) nbs/04_predictors.ipynb runs/pred_action_seed/train.ipynb -p run_dir runs/pred_action_seed -p model action \
	  -p vqvae_path checkpoints/enduro/vqvae_seed.pt -p steps 1500 -p batch_size 256 -p val_pairs 1024 -p eval_every 500 \
	  -p ckpt_every 250 -p threads 2 -y "data_dirs: [data/episodes/random]" \
	  -p publish_to checkpoints/enduro/predictor_action_seed.pt -p publish_half True

# The token renderer (nbs/02b_tokens, nbs/04c_train_tokens): a k-means patch tokenizer and a token-dynamics network
# trained on the shipped latent-action model's codes (frozen, so the shipped predictors stay valid), driver + random
# recordings, at most 60,000 frames each: 1,500 steps, then 3,000 more from its best checkpoint with a fresh schedule
# (init_from), then 3,500 more at lr 7e-4 and 3,000 more at lr 5e-4 the same way. Published beside vqvae.pt as
# tokenizer.pt (with 4 refinements per token: two levels) and dynamics.pt.
TOKENS ?= -y "overrides: {dim: 48, steps: 1500, eval_every: 250, ckpt_every: 100, threads: 2}"
TOKENS_FT ?= -y "overrides: {dim: 48, steps: 3000, lr: 0.001, warmup: 100, eval_every: 250, ckpt_every: 100, \
  threads: 2, init_from: runs/tokens/best.pt}"
TOKENS_FT2 ?= -y "overrides: {dim: 48, steps: 3500, lr: 0.0007, warmup: 100, eval_every: 250, ckpt_every: 100, \
  threads: 2, init_from: runs/tokens_ft/best.pt}"
TOKENS_FT3 ?= -y "overrides: {dim: 48, steps: 3000, lr: 0.0005, warmup: 100, eval_every: 250, ckpt_every: 100, \
  threads: 2, init_from: runs/tokens_ft2/best.pt}"
train-tokens: install  ## train the token renderer on the shipped latent-action codes and publish it
	@mkdir -p runs/tokens runs/tokens_ft runs/tokens_ft2 runs/tokens_ft3
	$(PM) nbs/04c_train_tokens.ipynb runs/tokens/train.ipynb -p run_dir runs/tokens $(TOKENS)
	cp -n runs/tokens/token_pairs_*.npz runs/tokens_ft/  # the same codes and tokens: not twice
	$(PM) nbs/04c_train_tokens.ipynb runs/tokens_ft/train.ipynb -p run_dir runs/tokens_ft $(TOKENS_FT)
	cp -n runs/tokens/token_pairs_*.npz runs/tokens_ft2/
	$(PM) nbs/04c_train_tokens.ipynb runs/tokens_ft2/train.ipynb -p run_dir runs/tokens_ft2 $(TOKENS_FT2)
	cp -n runs/tokens/token_pairs_*.npz runs/tokens_ft3/
	$(PM) nbs/04c_train_tokens.ipynb runs/tokens_ft3/train.ipynb -p run_dir runs/tokens_ft3 $(TOKENS_FT3) \
	  -p publish_to checkpoints/enduro -p temperature 0.7 -p refine 4

# A candidate, not shipped (nbs/02b_tokens): three more stages of the same network on a GPU (TOKENS_DEVICE=cpu runs
# them here, far slower), started from the shipped dynamics: every driver and random training transition (no cap),
# batch 256, each stage from the last one's best with a fresh schedule: 1,372 steps at lr 1e-3, 5,500 at lr 1e-3,
# 2,600 at lr 5e-4 (about ten minutes of training on one H200). Score runs/gpu_a3 with nbs/02b_tokens' commands.
TOKENS_DEVICE ?= cuda
GPU_TOKENS = dim: 48, max_frames: null, frames_dir: null, device: $(TOKENS_DEVICE), batch_size: 256, threads: 4, \
  ckpt_every: 1000
train-tokens-gpu: install  ## a candidate: three GPU stages of the token dynamics on every transition
	@mkdir -p runs/gpu_a1 runs/gpu_a2 runs/gpu_a3
	$(PM) nbs/04c_train_tokens.ipynb runs/gpu_a1/train.ipynb -p run_dir runs/gpu_a1 -y "overrides: {$(GPU_TOKENS), \
	  steps: 1372, lr: 0.001, warmup: 200, eval_every: 85, init_from: checkpoints/enduro/dynamics.pt}"
	cp -n runs/gpu_a1/token_pairs_*.npz runs/gpu_a2/
	$(PM) nbs/04c_train_tokens.ipynb runs/gpu_a2/train.ipynb -p run_dir runs/gpu_a2 -y "overrides: {$(GPU_TOKENS), \
	  steps: 5500, lr: 0.001, warmup: 200, eval_every: 343, init_from: runs/gpu_a1/best.pt}"
	cp -n runs/gpu_a1/token_pairs_*.npz runs/gpu_a3/
	$(PM) nbs/04c_train_tokens.ipynb runs/gpu_a3/train.ipynb -p run_dir runs/gpu_a3 -y "overrides: {$(GPU_TOKENS), \
	  steps: 2600, lr: 0.0005, warmup: 100, eval_every: 162, init_from: runs/gpu_a2/best.pt}"

# The shipped dynamics (nbs/02b_tokens): the network of train-tokens distilled into one residual block each way on the
# CPU (runs/tokens_slim48b: 2,000 steps with the two-block network as teacher and starting weights, about an hour),
# then the three stages of train-tokens-gpu with res 1, the first one 1,365 steps (about ten minutes on one H200;
# TOKENS_DEVICE=cpu runs them here, far slower), published with temperature 0.7 and min_p 0.05. It needs
# train-own-holds first, and train-own-holds-slim after it.
SLIM_NOTE = One residual block each way, width 48: the two-block network of make train-tokens distilled on 2 CPU \
  cores (runs/tokens_slim48b), then three stages on every driver and random transition on a GPU (runs/gpu_b1 to \
  runs/gpu_b3); make train-tokens-slim.
train-tokens-slim: install  ## the shipped one-block token dynamics: CPU distillation, three GPU stages, publish
	@mkdir -p runs/tokens_slim48b runs/gpu_b1 runs/gpu_b2 runs/gpu_b3
	$(PM) nbs/04c_train_tokens.ipynb runs/tokens_slim48b/train.ipynb -p run_dir runs/tokens_slim48b \
	  -y "overrides: {dim: 48, res: 1, steps: 2000, lr: 0.0005, warmup: 50, teacher: checkpoints/enduro/dynamics.pt, \
	  init_from: checkpoints/enduro/dynamics.pt}"
	$(PM) nbs/04c_train_tokens.ipynb runs/gpu_b1/train.ipynb -p run_dir runs/gpu_b1 -y "overrides: {$(GPU_TOKENS), \
	  res: 1, steps: 1365, lr: 0.001, warmup: 200, eval_every: 85, init_from: runs/tokens_slim48b/best.pt}"
	cp -n runs/gpu_b1/token_pairs_*.npz runs/gpu_b2/
	$(PM) nbs/04c_train_tokens.ipynb runs/gpu_b2/train.ipynb -p run_dir runs/gpu_b2 -y "overrides: {$(GPU_TOKENS), \
	  res: 1, steps: 5500, lr: 0.001, warmup: 200, eval_every: 343, init_from: runs/gpu_b1/best.pt}"
	cp -n runs/gpu_b1/token_pairs_*.npz runs/gpu_b3/
	$(PM) nbs/04c_train_tokens.ipynb runs/gpu_b3/train.ipynb -p run_dir runs/gpu_b3 -y "overrides: {$(GPU_TOKENS), \
	  res: 1, steps: 2600, lr: 0.0005, warmup: 100, eval_every: 162, init_from: runs/gpu_b2/best.pt}" \
	  -p publish_to checkpoints/enduro -p temperature 0.7 -p min_p 0.05 -p note "$(SLIM_NOTE)"

# Then the action+state predictor is fine-tuned three times on held actions as the token game plays them (play_holds
# in nbs/04_predictors): each action held 12 steps from the driver and random recordings (runs/holds12), played by the
# predictor of checkpoints/enduro (runs/own_holds12), a fine-tune on both (runs/pred_own1); played again by that one
# (runs/own_holds12b), a second fine-tune (runs/pred_own2); played by that one (runs/own_holds12c), a third fine-tune
# (runs/pred_own3), published. It needs the token renderer (train-tokens). OWN_ROOT=folder plays the holds with the
# world model and starts from the predictor of another checkpoint folder, publishes there, and OWN_RUNS=folder keeps
# its runs apart (a candidate dynamics in nbs/02b_tokens).
OWN_ROOT ?= checkpoints/enduro
OWN_RUNS ?= runs
OWN = $(PM) nbs/04_predictors.ipynb $(OWN_RUNS)/$(1)/train.ipynb -p run_dir $(OWN_RUNS)/$(1) -p model state \
  -p vqvae_path $(OWN_ROOT)/vqvae.pt -p holds runs/holds12 -p hold_steps 12 -p own_renderer tokens \
  -y "hold_every: {val: 128, train: 96}" -y "hold_episodes: {val: 5, train: 5}" -p batch_size 64 -p lr 0.0003 \
  -p max_frames 28000 -p val_pairs 1024 -p eval_every 250 -p ckpt_every 250 -p threads 2 \
  -p cache_dir runs/latents_own -p frames_dir runs/frames $(DATA)
OWN_NOTE = The predictor of make train-joint, fine-tuned in three rounds on held actions as the token game plays \
  them (play_holds in nbs/04_predictors, make train-own-holds): runs/pred_own1, runs/pred_own2, then runs/pred_own3.
OWN_LATE = -p steps 1500 -p hold_frac 0.2 -p own_hold_frac 0.5 -p contrast_weight 20
train-own-holds: install  ## fine-tune the action+state predictor on held actions as the token game plays them
	@mkdir -p $(OWN_RUNS)/pred_own1 $(OWN_RUNS)/pred_own2 $(OWN_RUNS)/pred_own3
	$(call OWN,pred_own1) -p init_from $(OWN_ROOT)/predictor_state.pt -p own_holds $(OWN_RUNS)/own_holds12 \
	  -p steps 1000 -p hold_frac 0.25 -p own_hold_frac 0.25 -p contrast_weight 10
	$(call OWN,pred_own2) -p init_from $(OWN_RUNS)/pred_own1/best.pt -p own_holds $(OWN_RUNS)/own_holds12b $(OWN_LATE)
	$(call OWN,pred_own3) -p init_from $(OWN_RUNS)/pred_own2/best.pt -p own_holds $(OWN_RUNS)/own_holds12c \
	  $(OWN_LATE) -p publish_to $(OWN_ROOT)/predictor_state.pt -p publish_note "$(OWN_NOTE)"

# With the one-block dynamics shipped (train-tokens-slim), two more rounds the same way as that game plays the holds
# (runs/own_b), the second one published.
OWN_NOTE_SLIM = The predictor of make train-own-holds, fine-tuned in two more rounds on held actions as the one-block \
  token game plays them (make train-own-holds-slim): runs/own_b/pred_own1, then runs/own_b/pred_own2.
train-own-holds-slim: OWN_RUNS = runs/own_b
train-own-holds-slim: install  ## two more own-hold rounds of the predictor as the one-block token game plays them
	@mkdir -p $(OWN_RUNS)/pred_own1 $(OWN_RUNS)/pred_own2
	$(call OWN,pred_own1) -p init_from $(OWN_ROOT)/predictor_state.pt -p own_holds $(OWN_RUNS)/own_holds12 \
	  -p steps 1000 -p hold_frac 0.25 -p own_hold_frac 0.25 -p contrast_weight 10
	$(call OWN,pred_own2) -p init_from $(OWN_RUNS)/pred_own1/best.pt -p own_holds $(OWN_RUNS)/own_holds12b \
	  $(OWN_LATE) -p publish_to $(OWN_ROOT)/predictor_state.pt -p publish_note "$(OWN_NOTE_SLIM)"

# The predictor's guidance distilled into it (guide_distill in nbs/04_predictors): 1,000 steps that also match the codes
# of its own frozen copy guided towards the action at w 1, on the driver, random and DQN recordings (about 27 minutes
# on 2 cores). DISTILL is shared with game-pred-distill: $(1) is the checkpoint folder under checkpoints/.
DISTILL = $(PM) nbs/04_predictors.ipynb runs/pred_distill_$(1)/train.ipynb -p run_dir runs/pred_distill_$(1) \
  -p model state -p vqvae_path checkpoints/$(1)/vqvae.pt -p init_from checkpoints/$(1)/predictor_state.pt \
  -p lr 0.0003 -p batch_size 64 -p eval_every 500 -p ckpt_every 250 -p threads 2 \
  -p publish_to checkpoints/$(1)/predictor_state.pt
DISTILL_NOTE = The predictor of make train-own-holds-slim with its own guidance at w 1 distilled into it \
  (guide_distill 1.0, 1,000 steps) on the driver, random and DQN recordings (make train-pred-distill).
train-pred-distill: install  ## the predictor's guidance (w 1) distilled into it on all three recordings, published
	@mkdir -p runs/pred_distill_enduro
	$(call DISTILL,enduro) -p guide_distill 1.0 -p steps 1000 -p val_pairs 1024 -p max_frames 28000 \
	  -p frames_dir runs/frames -p cache_dir runs/latents_en \
	  -y "data_dirs: [data/episodes/driver, data/episodes/random, data/episodes/dqn]" -p publish_note "$(DISTILL_NOTE)"

# The predictor fine-tuned through the frozen token renderer (outcome_loss in nbs/04_predictors): 500 steps of the
# renderer's loss on its codes, the game's own frames after up to 3 steps, and a KL to its frozen self, on at most
# 30,000 frames of each recording; a quarter of each batch is held-action pairs (every 128 steps of 5 train episodes
# per recording, each action held 12 steps, runs/holds12_all, made first: about 4 minutes). About 15 minutes on 2
# cores with its caches. After train-tokens-dqn: the renderer it learns through is the shipped one.
OUTCOME_NOTE = The predictor of make train-pred-distill fine-tuned through the frozen token renderer of make \
  train-tokens-dqn (outcome_weight 1, own_steps 3, anchor_weight 1, ce_weight 0; a quarter of each batch held-action \
  pairs; 500 steps, batch 32, lr 1e-4) on the driver, random and DQN recordings (make train-pred-outcome).
train-pred-outcome: install  ## the predictor fine-tuned through the shipped token renderer, published
	@mkdir -p runs/pred_outcome
	$(PM) nbs/04_predictors.ipynb runs/pred_outcome/train.ipynb -p run_dir runs/pred_outcome -p model state \
	  -p vqvae_path checkpoints/enduro/vqvae.pt -p init_from checkpoints/enduro/predictor_state.pt $(MIX) \
	  -p lr 0.0001 -p batch_size 32 -p steps 500 -p eval_every 250 -p ckpt_every 250 -p val_pairs 256 -p threads 2 \
	  -p max_frames 30000 -p frames_dir runs/frames -p cache_dir runs/outcome_cache -p ce_weight 0.0 \
	  -p anchor_weight 1.0 -p outcome_weight 1.0 -p own_steps 3 -p holds runs/holds12_all -p hold_frac 0.25 \
	  -p hold_steps 12 -p hold_every 128 -p publish_to checkpoints/enduro/predictor_state.pt \
	  -p publish_half True -p publish_note "$(OUTCOME_NOTE)"

# The shipped dynamics: that of train-tokens-slim fine-tuned on driver, random and DQN play (nbs/02b_tokens), 2,000
# steps of batch 64 at lr 2e-4 on at most 60,000 frames of each recording (about an hour on 2 cores with its caches),
# published to play by argmax.
TOKENS_DQN_NOTE = The one-block dynamics of make train-tokens-slim, fine-tuned 2,000 steps (batch 64, lr 2e-4) on \
  driver, random and DQN play on 2 CPU cores (runs/tokens_dqn_slim); make train-tokens-dqn. Plays by argmax \
  (temperature 0), chosen on val_spec and dqn_val_spec among 0, 0.3, 0.5, 0.6 and 0.7 (nbs/07_evaluate).
train-tokens-dqn: install  ## the shipped token dynamics: train-tokens-slim's fine-tuned on all three recordings
	@mkdir -p runs/tokens_dqn_slim
	$(PM) nbs/04c_train_tokens.ipynb runs/tokens_dqn_slim/train.ipynb -p run_dir runs/tokens_dqn_slim $(MIX) \
	  -y "overrides: {dim: 48, res: 1, steps: 2000, batch_size: 64, lr: 0.0002, warmup: 100, eval_every: 500, \
	  ckpt_every: 250, threads: 2, init_from: checkpoints/enduro/dynamics.pt}" -p publish_to checkpoints/enduro \
	  -p temperature 0.0 -p note "$(TOKENS_DQN_NOTE)"

# The shipped set, in order: the CPU world model and predictors (the joint stage starts from them), the seed's design,
# the joint stage (on a GPU; JOINT_DEVICE=cpu to run it here), its CPU fine-tunes, the two-block token renderer, the
# predictor's fine-tunes on its own holds, the one-block renderer (GPU stages) and two more fine-tunes, the guidance
# distilled into the predictor, the renderer fine-tuned on DQN play, the predictor trained through it, the other games.
# train-cpu stops at the two-block renderer and its predictor.
# The DQN (make train-dqn, publish-dqn) is separate: it only records data.
train-cpu: data train-vqvae train-predictors train-seed train-tokens train-own-holds  ## the CPU-only set (no joint)
TRAIN_ALL := data train-vqvae train-predictors train-seed train-joint-gpu train-joint train-tokens train-own-holds \
  train-tokens-slim train-own-holds-slim train-pred-distill train-tokens-dqn train-pred-outcome games
train-all: $(TRAIN_ALL)  ## rebuild the shipped set (the joint stage on a GPU)

games:  ## Breakout and UpNDown's shipped checkpoints (make game each; UpNDown's renderer and predictor trained further)
	$(MAKE) game GAME=Breakout ROM=breakout
	$(MAKE) game GAME=UpNDown ROM=up_n_down
	$(MAKE) game-tokens-ft GAME=UpNDown ROM=up_n_down
	$(MAKE) game-pred-ft GAME=UpNDown ROM=up_n_down
	$(MAKE) game-pred-distill GAME=UpNDown ROM=up_n_down

# The results table of the README and nbs/07_evaluate: the shipped set on the held-out specs, with the token renderer
# and with the pixel decoder (the same latent-action model and predictors), JSON into data/eval/results/ and filmstrips
# into data/figures/. The two renderers run side by side, one thread each (on 2 cores about 20 minutes for
# val_spec, 12 for test_spec).
evaluate: install  ## score the shipped set on val_spec and test_spec with both renderers: JSON and filmstrips
	@mkdir -p data/eval/results
	for s in val_spec test_spec; do for r in tokens pixel; do \
	  OMP_NUM_THREADS=1 $(BIN)/neural-enduro evaluate data/eval/$$s.json --renderer $$r --json --steering \
	    --filmstrip data/figures/$${s}_$${r}_filmstrip.png > data/eval/results/$${s}_$${r}.json & done; wait; done
	@for f in data/eval/results/{val,test}_spec_{tokens,pixel}.json; do \
	  test -s $$f || { echo "ERROR: $$f is empty"; exit 1; }; done

lab: install  ## JupyterLab on the play notebook
	$(BIN)/jupyter lab nbs/06_play.ipynb

clean-nbs: install  ## nbdev_clean the notebooks
	$(BIN)/nbdev_clean

format: install  ## format the notebooks' code (ruff, lines <= 119) and export the library
	$(BIN)/ruff format nbs
	$(BIN)/nbdev_export

# The DQN: a long, resumable background run on one core (rerun the same command to resume from runs/dqn/last.pt),
# then publish its best checkpoint with a fresh evaluation on unseen seeds.
DQN_STEPS ?= 3000000
train-dqn: install  ## train the DQN (long, resumable: rerun to resume)
	@mkdir -p runs/dqn
	nice -n 10 $(PM) nbs/09_agent.ipynb runs/dqn/train.ipynb -p run_dir runs/dqn -p num_envs 8 \
	  -p total_steps $(DQN_STEPS) -p buffer_size 500000 -p batch_size 64 -p target_every 1000 \
	  -p learning_starts 20000 -p eps_steps 250000 \
	  -p max_episode_frames 108000 -p eval_every 100000 -p eval_episodes 4 -p ckpt_every 2000 -p threads 1

AGENT_SEED ?= 110000
publish-dqn: install  ## publish the DQN's best checkpoint with a fresh evaluation
	$(BIN)/python -c "from neural_enduro.agent import publish_agent; \
	  print(publish_agent('runs/dqn', 'checkpoints/enduro/agent.pt', seed=$(AGENT_SEED), overwrite=True))"

# The same pipeline on another ALE game at CPU scale, e.g. `make game GAME=Breakout ROM=breakout`: random play,
# a world model, the action+state predictor (fp16 weights, to keep checkpoints/ under 40 MB), the token renderer
# (dim 32, 800 steps, one thread), a spec of held-out episodes and both renderers' figures on it (data/eval/results).
GAME ?= Breakout
ROM ?= breakout
GAME_TOKENS := -y "overrides: {dim: 32, steps: 800, eval_every: 200, ckpt_every: 100, threads: 1, max_frames: null}"
SCORE_GAME = for r in tokens pixel; do \
  OMP_NUM_THREADS=1 $(BIN)/neural-enduro evaluate data/eval/$(ROM)_val_spec.json --renderer $$r \
  --json --filmstrip data/figures/$(ROM)_val_spec_$${r}_filmstrip.png \
  > data/eval/results/$(ROM)_val_spec_$$r.json & done; wait
game: install  ## the pipeline on another ALE game, e.g. make game GAME=Breakout ROM=breakout
	@mkdir -p runs/vqvae_$(ROM) runs/pred_state_$(ROM) runs/tokens_$(ROM) data/eval/results
	test -f data/episodes/$(ROM)_random/index.json || $(BIN)/neural-enduro collect --policy random --game $(GAME) \
	  --steps 40000 --out data/episodes/$(ROM)_random --seed 2000
	$(PM) nbs/03_train_vqvae.ipynb runs/vqvae_$(ROM)/train.ipynb -p run_dir runs/vqvae_$(ROM) -p steps 2000 \
	  -p batch_size 32 -p val_pairs 512 -p eval_every 500 -p ckpt_every 250 -p threads 2 \
	  -y "data_dirs: [data/episodes/$(ROM)_random]" \
	  -p publish_to checkpoints/$(ROM)/vqvae.pt -p publish_half True
	$(PM) nbs/04_predictors.ipynb runs/pred_state_$(ROM)/train.ipynb -p run_dir runs/pred_state_$(ROM) -p model state \
	  -p vqvae_path checkpoints/$(ROM)/vqvae.pt -p steps 1500 -p batch_size 64 -p val_pairs 512 -p eval_every 500 \
	  -p ckpt_every 250 -p threads 2 -y "data_dirs: [data/episodes/$(ROM)_random]" \
	  -p publish_to checkpoints/$(ROM)/predictor_state.pt -p publish_half True
	$(PM) nbs/04c_train_tokens.ipynb runs/tokens_$(ROM)/train.ipynb -p run_dir runs/tokens_$(ROM) \
	  -p vqvae checkpoints/$(ROM)/vqvae.pt -y "data_dirs: [data/episodes/$(ROM)_random]" $(GAME_TOKENS) \
	  -p publish_to checkpoints/$(ROM)
	$(BIN)/python -c "import json; from neural_enduro.evaluate import make_spec; \
	  json.dump(make_spec(['data/episodes/$(ROM)_random'], max_episodes_per_dir=4), \
	  open('data/eval/$(ROM)_val_spec.json', 'w'))"
	$(SCORE_GAME)

# UpNDown's shipped token renderer: the dynamics of make game, 2,000 more steps on every transition at lr 1e-3 and two
# threads (about 20 minutes), published in its place (sampled at min_p 0, as shipped) and scored again
# (nbs/07_evaluate: UpNDown's controls).
GAME_TOKENS_FT = -y "overrides: {dim: 32, steps: 2000, lr: 0.001, warmup: 100, eval_every: 250, ckpt_every: 100, \
  threads: 2, max_frames: null, init_from: checkpoints/$(ROM)/dynamics.pt}"
game-tokens-ft: install  ## after make game: 2,000 more steps of that game's token dynamics, published and scored
	@mkdir -p runs/tokens_ft_$(ROM)
	$(PM) nbs/04c_train_tokens.ipynb runs/tokens_ft_$(ROM)/train.ipynb -p run_dir runs/tokens_ft_$(ROM) \
	  -p vqvae checkpoints/$(ROM)/vqvae.pt -y "data_dirs: [data/episodes/$(ROM)_random]" $(GAME_TOKENS_FT) \
	  -p publish_to checkpoints/$(ROM) -p min_p 0.0 -p note "make game-tokens-ft GAME=$(GAME) ROM=$(ROM)"
	OMP_NUM_THREADS=1 $(BIN)/neural-enduro evaluate data/eval/$(ROM)_val_spec.json --renderer tokens --json \
	  --filmstrip data/figures/$(ROM)_val_spec_tokens_filmstrip.png > data/eval/results/$(ROM)_val_spec_tokens.json

# UpNDown's shipped predictor: the action+state predictor of make game, 4,500 more steps on every transition at lr
# 5e-4 (about 15 minutes on 2 cores), published in its place and scored again with both renderers.
game-pred-ft: install  ## after make game: 4,500 more steps of that game's predictor, published and scored
	@mkdir -p runs/pred_ft_$(ROM)
	$(PM) nbs/04_predictors.ipynb runs/pred_ft_$(ROM)/train.ipynb -p run_dir runs/pred_ft_$(ROM) -p model state \
	  -p vqvae_path checkpoints/$(ROM)/vqvae.pt -p init_from checkpoints/$(ROM)/predictor_state.pt -p steps 4500 \
	  -p lr 0.0005 -p batch_size 64 -p val_pairs 512 -p eval_every 500 -p ckpt_every 250 -p threads 2 \
	  -y "data_dirs: [data/episodes/$(ROM)_random]" -p publish_to checkpoints/$(ROM)/predictor_state.pt \
	  -p publish_half True -p publish_note "make game-pred-ft GAME=$(GAME) ROM=$(ROM)"
	$(SCORE_GAME)

# UpNDown's shipped predictor: that of make game-pred-ft, 1,500 more steps that also match the codes of its own frozen
# copy guided towards the action (guide_distill 5, nbs/04_predictors; about 25 minutes on 2 cores), published in its
# place and scored again (nbs/07_evaluate: guidance distilled).
game-pred-distill: install  ## after make game-pred-ft: the predictor's guidance distilled into it, published and scored
	@mkdir -p runs/pred_distill_$(ROM)
	$(call DISTILL,$(ROM)) -p guide_distill 5.0 -p steps 1500 -p val_pairs 512 \
	  -y "data_dirs: [data/episodes/$(ROM)_random]" -p publish_half True \
	  -p publish_note "make game-pred-distill GAME=$(GAME) ROM=$(ROM)"
	$(SCORE_GAME)

# The latent analysis (nbs/10_analysis) on the full recordings; figures and summary.json land in runs/analysis/.
analysis: install  ## the latent analysis on the full recordings into runs/analysis/
	@mkdir -p runs/analysis
	$(BIN)/papermill --no-progress-bar nbs/10_analysis.ipynb runs/analysis/analysis.ipynb -p run_dir runs/analysis \
	  -y "data_dirs: {driver: data/episodes/driver, random: data/episodes/random, dqn: data/episodes/dqn}"

# World-model probes: what limits the recon PSNR of the world model? The same data, steps and schedule, one change at a
# time: one context frame and no warp, 16x more codes per cell (information), 1.5x wider channels (capacity). Metrics:
# runs/probe_*/metrics.jsonl.
PROBE = $(PM) nbs/03_train_vqvae.ipynb runs/probe_$(1)/train.ipynb -p run_dir runs/probe_$(1) -p steps 1000 \
  -p batch_size 32 -p lr 0.0005 -p val_pairs 1024 -p eval_every 500 -p ckpt_every 500 -p threads 1 \
  -p frames_dir runs/frames $(MIX) -y "overrides: $(2)"
ONE := context: 1, warp: false
CODES4096 := {fsq_levels: [8, 8, 8, 8], codebook_size: 4096, $(ONE)}
WIDE := {channels: [48, 96, 144, 192], $(ONE)}
probe-vqvae: install  ## world-model probes: code budget and width
	@mkdir -p runs/probe_base runs/probe_codes4096 runs/probe_wide
	$(call PROBE,base,{$(ONE)})
	$(call PROBE,codes4096,$(CODES4096))
	$(call PROBE,wide,$(WIDE))

# Context probes: one context frame (frame t) against two (t-1 and t), and two with the warp decoder, on the driver
# recording (1,000 steps each, 1 thread), then a short action+state predictor (800 steps on 30,000 pairs) on each
# one-/two-frame model's codes: does a world model that sees the motion leave codes a predictor can guess?
PROBE_CTX = $(PM) nbs/03_train_vqvae.ipynb runs/probe2_$(1)/train.ipynb -p run_dir runs/probe2_$(1) -p steps 1000 \
  -p batch_size 32 -p lr 0.0005 -p val_pairs 1024 -p eval_every 500 -p ckpt_every 250 -p threads 1 \
  -p frames_dir runs/frames_driver \
  -y "data_dirs: [data/episodes/driver]" -y "overrides: $(2)"
PROBE_PRED = $(PM) nbs/04_predictors.ipynb runs/pprobe_$(1)/train.ipynb -p run_dir runs/pprobe_$(1) -p model state \
  -p vqvae_path runs/probe2_$(1)/best.pt -p steps 800 -p batch_size 64 -p max_frames 30000 -p val_pairs 1024 \
  -p eval_every 400 -p ckpt_every 400 -p threads 1 -p frames_dir runs/frames_driver \
  -y "data_dirs: [data/episodes/driver]"
probe-context: install  ## world-model probes: one or two context frames, warp decoder
	@mkdir -p runs/probe2_c1 runs/probe2_c2 runs/probe2_c2w runs/pprobe_c1 runs/pprobe_c2
	$(call PROBE_CTX,c1,{context: 1, warp: false})
	$(call PROBE_CTX,c2,{context: 2, warp: false})
	$(call PROBE_CTX,c2w,{context: 2, warp: true})
	$(call PROBE_PRED,c1)
	$(call PROBE_PRED,c2)
