/// The Python that fits the boosters, run in the project's private environment (`ops/install` puts LightGBM
/// there). Carried in the binary so that `turnstile train` needs no checkout; it is the only Python of the
/// forecasts, and it runs at training time only.
///
/// It reads `meta.json` and, per horizon, `train_H.bin`, `validation_H.bin` and `holdout_H.bin` (float64
/// little-endian rows: the features, then the target), fits one booster per horizon with early stopping on the
/// validation rows, and writes `model_H.json` (`dump_model()` of the best iteration) and `predictions_H.bin`
/// (the library's own predictions of the holdout, for the parity check). Progress goes to standard output as
/// JSON lines. Deterministic for a seed: `deterministic`, column-wise histograms and a fixed thread count.
enum LightGBMScript {
    static let source = #"""
import json
import sys
import time

import lightgbm as lgb
import numpy as np

directory = sys.argv[1]
with open(f"{directory}/meta.json") as f:
    meta = json.load(f)
names = meta["features"]
width = len(names) + 1


def load(part, horizon):
    rows = np.fromfile(f"{directory}/{part}_{horizon}.bin", dtype="<f8").reshape(-1, width)
    return rows[:, :-1], rows[:, -1]


def say(**fields):
    print(json.dumps(fields), flush=True)


for horizon in meta["horizons"]:
    started = time.monotonic()
    x_train, y_train = load("train", horizon)
    x_valid, y_valid = load("validation", horizon)
    x_holdout, _ = load("holdout", horizon)
    params = dict(
        objective=meta["objective"], metric="l1", learning_rate=meta["learning_rate"], num_leaves=meta["num_leaves"],
        min_data_in_leaf=meta["min_data_in_leaf"], feature_fraction=0.9, bagging_fraction=0.8, bagging_freq=1,
        seed=meta["seed"], deterministic=True, force_col_wise=True, num_threads=meta["threads"], verbose=-1,
    )
    train = lgb.Dataset(x_train, y_train, feature_name=names, categorical_feature=meta["categorical"], free_raw_data=True)
    rounds = meta["rounds"]

    def progress(env):
        if (env.iteration + 1) % 10 == 0:
            say(horizon=horizon, iteration=env.iteration + 1, rounds=rounds)

    callbacks = [progress]
    valid_sets = []
    if len(y_valid) > 0:
        valid_sets = [lgb.Dataset(x_valid, y_valid, reference=train)]
        callbacks.append(lgb.early_stopping(meta["early_stopping"], verbose=False))
    booster = lgb.train(params, train, num_boost_round=rounds, valid_sets=valid_sets, callbacks=callbacks)
    best = booster.best_iteration if booster.best_iteration > 0 else booster.current_iteration()
    with open(f"{directory}/model_{horizon}.json", "w") as f:
        json.dump(booster.dump_model(num_iteration=best), f)
    booster.predict(x_holdout, num_iteration=best).astype("<f8").tofile(f"{directory}/predictions_{horizon}.bin")
    say(horizon=horizon, done=True, iterations=best, seconds=time.monotonic() - started, rows=len(y_train))
"""#
}
