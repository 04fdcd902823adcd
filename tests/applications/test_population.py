"""Population from imagery: metrics, calibration, blocked folds, ridge penalty, baselines and the result."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from statmethods.applications.population import (
    SO2SAT_COVARIATES,
    PopulationMetricsResult,
    PopulationModel,
    RidgeCVRegressor,
    So2SatForest,
    blocked_cv_folds,
    calibrate_to_total,
    evaluate_blocked_cv,
    evaluate_out_of_city,
    population_metrics,
    predicted_counts,
    smearing_factor,
    spatial_blocks,
)
from statmethods.applications.population_models import SO2SAT_PARAM_GRID
from statmethods.testing import assert_result_protocol


def test_metrics_match_sklearn_r2_and_the_total_error():
    from sklearn.metrics import r2_score

    rng = np.random.default_rng(0)
    pop = rng.integers(0, 5000, 50).astype(float)
    pred = np.log1p(pop) + rng.normal(0, 0.5, 50)
    m = population_metrics(pop, pred, area_km2=1.0)
    counts = np.maximum(np.expm1(pred), 0)
    assert m["r2_log_density"] == pytest.approx(r2_score(np.log1p(pop), pred))
    assert m["r2_count"] == pytest.approx(r2_score(pop, counts))
    assert m["total_error_pct"] == pytest.approx(100 * (counts.sum() / pop.sum() - 1))
    assert m["total_error_raw_pct"] == m["total_error_pct"]
    s = population_metrics(pop, pred, area_km2=1.0, smearing=1.2)
    smeared = np.maximum(1.2 * np.exp(pred) - 1, 0)
    assert s["r2_count"] == pytest.approx(r2_score(pop, smeared))
    assert s["total_error_pct"] == pytest.approx(100 * (smeared.sum() / pop.sum() - 1))
    assert s["total_error_raw_pct"] == pytest.approx(m["total_error_pct"]) and s["smearing"] == 1.2


def test_smearing_removes_the_bias_of_the_naive_back_transform():
    """Log-normal cells: exp of an unbiased log prediction misses the total by exp(-s^2/2) - 1."""
    rng = np.random.default_rng(7)
    mu, sigma = rng.uniform(3, 7, 20000), 0.8
    y = mu + rng.normal(0, sigma, 20000)
    pop = np.expm1(y)
    factor = smearing_factor(y[:10000], mu[:10000])
    assert factor == pytest.approx(np.exp(sigma ** 2 / 2), rel=0.02)
    raw = predicted_counts(mu[10000:]).sum() / pop[10000:].sum() - 1
    fixed = predicted_counts(mu[10000:], smearing=factor).sum() / pop[10000:].sum() - 1
    assert raw == pytest.approx(np.exp(-sigma ** 2 / 2) - 1, abs=0.03)
    assert abs(fixed) < 0.03 < abs(raw)


def test_density_uses_the_cell_area():
    pop = np.array([0.0, 50.0, 200.0])
    m = population_metrics(pop, np.log1p(pop / 0.5), area_km2=0.5)
    assert m["r2_count"] == pytest.approx(1.0) and m["total_error_pct"] == pytest.approx(0.0)


def test_calibration_hits_the_total_and_keeps_the_shares():
    c = np.array([1.0, 2.0, 7.0])
    out = calibrate_to_total(c, 50.0)
    assert out.sum() == pytest.approx(50.0)
    assert np.allclose(out / out.sum(), c / c.sum())
    with pytest.raises(ValueError, match="add up to 0"):
        calibrate_to_total(np.zeros(3), 10)


def test_blocked_folds_keep_each_block_in_one_fold():
    rng = np.random.default_rng(1)
    x, y = rng.uniform(0, 20000, 300), rng.uniform(0, 20000, 300)
    blocks = spatial_blocks(x, y, 4000)
    folds = blocked_cv_folds(x, y, 4000, n_folds=5)
    assert len(np.unique(blocks)) == 25
    for b in np.unique(blocks):
        assert len(np.unique(folds[blocks == b])) == 1
    assert sorted(np.unique(folds)) == [0, 1, 2, 3, 4]
    with pytest.raises(ValueError, match="spatial block"):
        blocked_cv_folds(x, y, 50000, n_folds=2)


def test_ridge_penalty_is_the_one_with_the_lowest_cv_error_on_the_training_rows():
    from sklearn.linear_model import Ridge
    from sklearn.model_selection import KFold
    from sklearn.preprocessing import StandardScaler

    rng = np.random.default_rng(2)
    X = rng.normal(size=(80, 30))
    y = X[:, :3].sum(axis=1) + rng.normal(0, 1.0, 80)
    alphas = (0.1, 1.0, 10.0, 100.0, 1000.0)
    m = RidgeCVRegressor(alphas=alphas, cv=4, seed=5).fit(X, y)
    mse = {}
    for a in alphas:  # independent K-fold loop, scaler fitted inside each fold
        errs = []
        for tr, te in KFold(4, shuffle=True, random_state=5).split(X):
            sc = StandardScaler().fit(X[tr])
            fit = Ridge(alpha=a).fit(sc.transform(X[tr]), y[tr])
            errs.append(((fit.predict(sc.transform(X[te])) - y[te]) ** 2).mean())
        mse[a] = np.mean(errs)
    assert m.alpha_ == min(mse, key=mse.get)
    assert np.allclose(m.cv_mse_.to_numpy(), [mse[a] for a in alphas])
    assert np.allclose(m.predict(X), Ridge(alpha=m.alpha_).fit(StandardScaler().fit_transform(X), y)
                       .predict(StandardScaler().fit_transform(X)))


def test_ridge_with_groups_keeps_each_group_out_of_its_own_fit():
    from sklearn.linear_model import Ridge
    from sklearn.model_selection import GroupKFold
    from sklearn.preprocessing import StandardScaler

    rng = np.random.default_rng(8)
    X, groups = rng.normal(size=(90, 12)), np.repeat(np.arange(9), 10)
    y = X[:, 0] + rng.normal(0, 0.5, 90)
    m = RidgeCVRegressor(alphas=(1.0, 100.0), cv=3).fit(X, y, groups)
    oof = np.empty(90)
    for tr, te in GroupKFold(3).split(X, groups=groups):
        sc = StandardScaler().fit(X[tr])
        oof[te] = Ridge(alpha=m.alpha_).fit(sc.transform(X[tr]), y[tr]).predict(sc.transform(X[te]))
    assert np.allclose(m.oof_, oof)


def test_so2sat_forest_follows_the_published_recipe():
    from sklearn.ensemble import RandomForestRegressor

    assert len(SO2SAT_COVARIATES) == 125 and SO2SAT_COVARIATES[7] == "VIIRS_MEAN"
    assert SO2SAT_PARAM_GRID == {"max_features": ["sqrt", 0.05, 0.1, 0.2, 0.3, 0.4],
                                 "n_estimators": [250, 350, 500, 750, 1000]}
    rng = np.random.default_rng(9)
    X = rng.normal(size=(120, 8))
    y = 2 * X[:, 0] + X[:, 1] + rng.normal(0, 0.3, 120)
    f = So2SatForest(seed=3).fit(X, y)
    imp = RandomForestRegressor(100, max_features=1.0, random_state=3).fit(X, y).feature_importances_
    assert f.selected_.tolist() == (imp >= 0.002).tolist() and f.selected_[:2].all()
    oob = {mf: RandomForestRegressor(250, max_features=mf, oob_score=True, random_state=3)
           .fit(X[:, f.selected_], y).oob_score_ for mf in SO2SAT_PARAM_GRID["max_features"]}
    assert f.best_params_["max_features"] == max(oob, key=oob.get)
    assert np.corrcoef(f.oof_, y)[0, 1] > 0.8
    with pytest.raises(ValueError, match="grid"):
        So2SatForest(grid="huge")


def test_nightlights_baseline_is_least_squares_on_log_lights():
    rng = np.random.default_rng(3)
    nl = rng.uniform(0, 60, 40)
    y = 1 + 1.3 * np.log1p(nl) + rng.normal(0, 0.3, 40)
    A = np.column_stack([np.ones(40), np.log1p(nl)])
    coef = np.linalg.lstsq(A, y, rcond=None)[0]
    m = PopulationModel("nightlights", clip=False).fit({"nightlights": nl}, y)
    assert np.allclose(m.predict({"nightlights": nl}), A @ coef)
    fitted = np.clip(A @ coef, y.min(), y.max())
    assert m.duan_ == pytest.approx(np.mean(np.exp(y - fitted)))
    assert m.smearing_ == m.ratio_ == pytest.approx(np.exp(y).sum() / np.exp(fitted).sum())
    duan = PopulationModel("nightlights", correction="duan").fit({"nightlights": nl}, y)
    assert duan.smearing_ == duan.duan_


def test_stacked_imagery_and_lights_uses_out_of_fold_imagery_predictions():
    from sklearn.linear_model import LinearRegression

    rng = np.random.default_rng(10)
    n = 150
    nl, feats = rng.uniform(0, 50, n), rng.normal(size=(n, 20))
    y = 1 + np.log1p(nl) + feats[:, 0] + rng.normal(0, 0.2, n)
    data, groups = {"nightlights": nl, "features": feats}, np.arange(n) // 10
    m = PopulationModel("imagery_nightlights").fit(data, y, groups)
    oof = np.clip(RidgeCVRegressor().fit(feats, y, groups).oof_, y.min(), y.max())
    ref = LinearRegression().fit(np.column_stack([oof, np.log1p(nl)]), y)
    assert np.allclose(m.model_.coef_, ref.coef_)
    alone = PopulationModel("imagery").fit(data, y, groups)
    assert (m.predict(data) - y).std() < (alone.predict(data) - y).std()
    with pytest.raises(ValueError, match="needs data\\['covariates'\\]"):
        PopulationModel("covariates_rf").fit(data, y)


def _city(n, seed):
    rng = np.random.default_rng(seed)
    nl = rng.uniform(0, 50, n)
    pop = np.round(np.expm1(0.2 + 1.5 * np.log1p(nl) + rng.normal(0, 0.4, n)))
    return {"nightlights": nl, "population": pop, "area_km2": 1.0,
            "covariates": np.column_stack([nl + rng.normal(0, 5, n), rng.normal(size=n)])}


def test_evaluations_give_one_row_per_model_and_seed_and_the_mean_model_scores_zero_in_city():
    train, test = _city(120, 0), _city(90, 1)
    out, preds = evaluate_out_of_city(["mean", "nightlights", "covariates_rf"], train, test, seeds=[0, 1])
    assert len(out) == 6 and preds.shape == (90, 6)
    assert (out.query("model == 'covariates_rf'")["r2_log_density"] > 0.5).all()
    assert (out.query("model == 'nightlights'")["r2_log_density"] > 0.7).all()
    rng = np.random.default_rng(4)
    folds = blocked_cv_folds(rng.uniform(0, 1e4, 120), rng.uniform(0, 1e4, 120), 2500, n_folds=4)
    cv, _ = evaluate_blocked_cv(["mean", "nightlights"], train, folds, seeds=[0])
    assert cv.loc[cv.model == "mean", "r2_log_density"].iloc[0] < 0.05


def test_result_table_has_the_columns_of_the_result_file_and_no_spread_without_randomness():
    train, test = _city(100, 5), _city(80, 6)
    out, _ = evaluate_out_of_city(["mean", "nightlights"], train, test, seeds=[0, 1, 2])
    res = PopulationMetricsResult(out)
    cols = ["model", "evaluation", "n_seeds", "r2_log_density", "r2_log_density_sd", "r2_count",
            "total_error_raw_pct", "total_error_duan_pct", "total_error_pct", "smearing"]
    assert list(res.table().columns) == cols
    assert (res.sd.to_numpy() == 0).all()
    ci = res.conf_int()
    assert (ci["lower"] == ci["upper"]).all()
    assert_result_protocol(res)
    fake = pd.DataFrame({"model": ["mosaiks"] * 3, "evaluation": ["out_of_city"] * 3, "seed": [0, 1, 2],
                         "r2_log_density": [0.5, 0.6, 0.7], "r2_count": [0.1, 0.2, 0.3],
                         "total_error_raw_pct": [0.0] * 3, "total_error_duan_pct": [0.0] * 3,
                         "total_error_pct": [1.0, 2.0, 3.0],
                         "smearing": [1.1] * 3})
    r = PopulationMetricsResult(fake)
    assert r.se.loc[("mosaiks", "out_of_city", "r2_log_density")] == pytest.approx(0.1 / np.sqrt(3))
    assert_result_protocol(r)
    assert "0.6 ± 0.1" in str(r.summary())


def test_predictions_are_clipped_to_the_training_range_of_the_log_density():
    nl = np.array([1.0, 2.0, 4.0, 8.0])
    y = np.log1p(nl)
    m = PopulationModel("nightlights").fit({"nightlights": nl}, y)
    far = m.predict({"nightlights": np.array([0.0, 1e6])})
    assert far.tolist() == [y.min(), y.max()]
    free = PopulationModel("nightlights", clip=False).fit({"nightlights": nl}, y)
    assert free.predict({"nightlights": np.array([1e6])})[0] > y.max()


def test_finetune_choice_uses_blocked_folds_of_the_training_city_only():
    from statmethods.applications.population import choose_finetune

    rng = np.random.default_rng(11)
    images = rng.uniform(0, 1000, (12, 3, 32, 32)).astype("float32")
    pop = np.round(images.mean(axis=(1, 2, 3)))
    data = {"images": images, "population": pop, "area_km2": 1.0}
    table = choose_finetune(data, np.arange(12) % 2, epochs=(1,), lrs=(1e-3, 3e-4))
    assert list(table.columns) == ["epochs", "lr", "cv_mse"] and len(table) == 2
    assert table["cv_mse"].is_monotonic_increasing and np.isfinite(table["cv_mse"]).all()


def test_downsampling_averages_blocks_of_pixels():
    from statmethods.applications.population import downsample_images

    X = np.random.default_rng(12).normal(size=(2, 3, 6, 6))
    small = downsample_images(X, 3)
    assert small.shape == (2, 3, 2, 2)
    assert small[1, 2, 1, 0] == pytest.approx(X[1, 2, 3:6, 0:3].mean())
    assert downsample_images(X, 1) is X
    with pytest.raises(ValueError, match="must divide"):
        downsample_images(X, 4)


def test_feature_sets_come_from_one_pass_per_pixel_size_and_are_read_back(tmp_path, monkeypatch):
    from statmethods.applications.population import downsample_images, pretrained_feature_sets
    from statmethods.classify.image_cnn import PretrainedFeatures

    rng = np.random.default_rng(13)
    train, test = rng.uniform(0, 1000, (5, 3, 32, 32)), rng.uniform(0, 1000, (3, 3, 32, 32))
    cache = tmp_path / "f.npz"
    sets = pretrained_feature_sets(train, test, (1, 2), cache=cache)
    assert sorted(sets) == [(1, False), (1, True), (2, False), (2, True)]
    small = downsample_images(train, 2)
    ext = PretrainedFeatures(n_threads=1).fit(small)  # brightness from the training city only
    assert np.allclose(sets[(2, False)][0], ext.transform(small), atol=1e-4)
    tta = PretrainedFeatures(tta=True, n_threads=1).fit(small)
    assert np.allclose(sets[(2, True)][1], tta.transform(downsample_images(test, 2)), atol=1e-4)
    calls = []
    monkeypatch.setattr(PretrainedFeatures, "transform_both", lambda self, x: calls.append(1) or (x, x))
    again = pretrained_feature_sets(train, test, (1, 2), cache=cache)
    assert not calls and all(np.array_equal(again[k][i], sets[k][i]) for k in sets for i in (0, 1))
    monkeypatch.undo()
    plain_only = pretrained_feature_sets(train, None, (1,), tta=(False,), cache=cache)  # recomputed
    assert list(plain_only) == [(1, False)] and plain_only[(1, False)][1] is None
    assert np.allclose(plain_only[(1, False)][0], sets[(1, False)][0], atol=1e-4)


def _imagery_city(n=90, seed=14):
    rng = np.random.default_rng(seed)
    good, noise = rng.normal(size=(n, 6)), rng.normal(size=(n, 6))
    cov = np.column_stack([good[:, 1] + rng.normal(0, 0.3, n), rng.normal(size=n)])
    y = 3 + good[:, 0] + good[:, 1]
    x, yy = rng.uniform(0, 9000, n), rng.uniform(0, 9000, n)
    return {"population": np.round(np.expm1(y)), "area_km2": 1.0, "covariates": cov}, good, noise, x, yy


def test_feature_setting_is_chosen_by_the_blocked_cv_r2_of_ridge_on_the_training_city():
    from statmethods.applications.population import choose_feature_setting, log_density

    data, good, noise, x, yy = _imagery_city()
    folds, groups = blocked_cv_folds(x, yy, 3000, n_folds=3), spatial_blocks(x, yy, 3000)
    table = choose_feature_setting({(2, False): noise, (1, True): good}, data, folds, groups)
    assert list(table.columns) == ["downsample", "tta", "cv_r2_log_density"]
    assert (int(table.loc[0, "downsample"]), bool(table.loc[0, "tta"])) == (1, True)
    y = log_density(data["population"])
    oof = np.empty(len(y))  # an independent blocked CV of the same ridge
    for f in np.unique(folds):
        tr, te = folds != f, folds == f
        fit = RidgeCVRegressor().fit(good[tr], y[tr], groups[tr])
        oof[te] = np.clip(fit.predict(good[te]), y[tr].min(), y[tr].max())
    r2 = 1 - ((y - oof) ** 2).sum() / ((y - y.mean()) ** 2).sum()
    assert table.loc[0, "cv_r2_log_density"] == pytest.approx(r2)
    assert table["cv_r2_log_density"].is_monotonic_decreasing


def test_forest_with_image_components_is_the_same_forest_on_covariates_and_training_components():
    from sklearn.decomposition import PCA

    from statmethods.applications.population import choose_components, log_density

    data, good, noise, x, yy = _imagery_city()
    feats = np.hstack([good, noise])
    data = {**data, "features": feats}
    y = log_density(data["population"])
    m = PopulationModel("imagery_pca_covariates", seed=4, n_components=3, n_jobs=1).fit(data, y)
    pca = PCA(3, random_state=0).fit(feats)
    Z = np.hstack([data["covariates"], pca.transform(feats)])
    ref = So2SatForest(seed=4).fit(Z, y)
    assert np.allclose(m.predict(data), np.clip(ref.predict(Z), y.min(), y.max()))
    assert m.uses_seed and "imagery_pca_covariates" in MODELS_WITH_IMAGERY
    with pytest.raises(ValueError, match="n_components"):
        PopulationModel("imagery_pca_covariates", n_components=0)
    folds = blocked_cv_folds(x, yy, 3000, n_folds=3)
    table = choose_components(data, folds, options=(1, 3), seed=4)
    assert sorted(table["n_components"]) == [1, 3] and table["cv_r2_log_density"].is_monotonic_decreasing
    one, _ = evaluate_blocked_cv(["imagery_pca_covariates"], data, folds, [4],
                                 lambda kind, s: PopulationModel(kind, seed=s, n_components=1))
    assert table.set_index("n_components").loc[1, "cv_r2_log_density"] == pytest.approx(
        one["r2_log_density"].iloc[0])


MODELS_WITH_IMAGERY = ("imagery", "imagery_nightlights", "imagery_covariates", "imagery_pca_covariates")
