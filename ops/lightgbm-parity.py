#!/usr/bin/env python3
"""Trains small LightGBM models on a synthetic wait-time-like dataset and writes what the Swift evaluator's
parity test needs: each model's dump_model() JSON and the holdout's features and the library's predictions.

  .tools/venv/bin/python ops/lightgbm-parity.py OUT_DIR [SEED]

The data exercises every path of a tree: NaN in one feature (missing type NaN), zeros taken as missing
(zero_as_missing: missing type Zero), a categorical feature (splits like "0||3||5"), and two objectives
(poisson: exp link; regression: identity). Deterministic for a seed (one thread, deterministic=True).
"""
import json
import sys

import lightgbm as lgb
import numpy as np

out = sys.argv[1]
seed = int(sys.argv[2]) if len(sys.argv) > 2 else 7
rng = np.random.default_rng(seed)
n = 4000
level = rng.uniform(0, 120, n)
trend = rng.normal(0, 10, n)
trend[rng.random(n) < 0.1] = np.nan
weekday = rng.integers(0, 7, n).astype(float)
minutes = rng.integers(1, 600, n).astype(float)
minutes[rng.random(n) < 0.15] = 0.0
features = np.column_stack([level, trend, weekday, minutes])
rate = np.exp(0.5 + level / 60 + np.nan_to_num(trend) / 40 + (weekday >= 5) * 0.4 - minutes / 1200 + (minutes == 0) * 0.3)
target = rng.poisson(rate).astype(float)
train, holdout = slice(0, 3000), slice(3000, n)
names = ["level", "trend", "weekday", "minutes"]

models = {
    "poisson": {"objective": "poisson"},
    "regression_zero_missing": {"objective": "regression", "zero_as_missing": True},
}
predictions = {}
for name, params in models.items():
    params = dict(params, num_leaves=15, learning_rate=0.1, min_data_in_leaf=20, seed=seed, deterministic=True,
                  force_row_wise=True, num_threads=1, verbose=-1, cat_smooth=1, min_data_per_group=10)
    data = lgb.Dataset(features[train], label=target[train], feature_name=names, categorical_feature=[2], free_raw_data=False)
    booster = lgb.train(params, data, num_boost_round=60)
    with open(f"{out}/{name}.json", "w") as f:
        json.dump(booster.dump_model(), f)
    predictions[name] = booster.predict(features[holdout]).tolist()

rows = [[None if np.isnan(v) else float(v) for v in row] for row in features[holdout]]
with open(f"{out}/holdout.json", "w") as f:
    json.dump({"features": rows, "predictions": predictions}, f)
