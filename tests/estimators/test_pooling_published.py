"""Pooled effects, meta-regression and empirical-Bayes shrinkage against R's metafor, to 1e-6.

Published data, written here as literal numbers:

* Colditz et al. (1994), "Efficacy of BCG vaccine in the prevention of tuberculosis",
  JAMA 271: 698–702 — 13 trials (metafor/metadat ``dat.bcg``): vaccinated and control
  tuberculosis cases and non-cases, absolute latitude, allocation method. Effects are log
  risk ratios, ``escalc(measure = "RR", ai = tpos, bi = tneg, ci = cpos, di = cneg)``.
* Raudenbush (1984, 1985), teacher expectancy and pupils' IQ — 19 studies (``dat.raudenbush1985``):
  standardised mean differences ``yi``, variances ``vi``, weeks of prior contact.

The reference numbers were produced by ``tests/estimators/metafor_reference.R`` with
metafor 3.8.1 (metadat 1.2.0) from Debian's r-cran-metafor, iterations run to convergence
(``control = list(threshold = 1e-12, tol = 1e-12)``: with metafor's default stopping rules
REML τ² moves by up to 8e-6 and Paule–Mandel τ² by up to 2.5e-5 on these data). The slow test
at the end re-runs the script when Rscript and metafor are installed (``.ci/run`` installs
them) and checks that these literals are what metafor prints.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from innolab_analysis.estimators.meta_regression import meta_regression
from innolab_analysis.estimators.pooling import pool_effects
from innolab_analysis.estimators.shrinkage import shrink_effects

TOL = 1e-6
HERE = Path(__file__).resolve().parent

# dat.bcg: trial, tpos, tneg, cpos, cneg, ablat, alloc
BCG = pd.DataFrame(
    [
        (1, 4, 119, 11, 128, 44, "random"),
        (2, 6, 300, 29, 274, 55, "random"),
        (3, 3, 228, 11, 209, 42, "random"),
        (4, 62, 13536, 248, 12619, 52, "random"),
        (5, 33, 5036, 47, 5761, 13, "alternate"),
        (6, 180, 1361, 372, 1079, 44, "alternate"),
        (7, 8, 2537, 10, 619, 19, "random"),
        (8, 505, 87886, 499, 87892, 13, "random"),
        (9, 29, 7470, 45, 7232, 27, "random"),
        (10, 17, 1699, 65, 1600, 42, "systematic"),
        (11, 186, 50448, 141, 27197, 18, "systematic"),
        (12, 5, 2493, 3, 2338, 33, "systematic"),
        (13, 27, 16886, 29, 17825, 33, "systematic"),
    ],
    columns=["trial", "tpos", "tneg", "cpos", "cneg", "ablat", "alloc"],
)

# dat.raudenbush1985: yi, vi, weeks
RAUDENBUSH = pd.DataFrame(
    {
        "yi": [0.03, 0.12, -0.14, 1.18, 0.26, -0.06, -0.02, -0.32, 0.27, 0.80, 0.54, 0.18,
               -0.02, 0.23, -0.18, -0.06, 0.30, 0.07, -0.07],
        "vi": [0.0156, 0.0216, 0.0279, 0.1391, 0.1362, 0.0106, 0.0106, 0.0484, 0.0269, 0.0630,
               0.0912, 0.0497, 0.0835, 0.0841, 0.0253, 0.0279, 0.0193, 0.0088, 0.0303],
        "weeks": [2, 21, 19, 0, 0, 3, 17, 24, 0, 1, 0, 0, 1, 2, 17, 5, 1, 2, 7],
    }
)  # fmt: skip
METAFOR = {
    "metafor": "3.8.1",
    "metadat": "1.2.0",
    "bcg": {
        "pool": {
            "REML_z": {
                "estimate": -0.71453234215814,
                "se": 0.179781516105207,
                "ci_lb": -1.06689763881035,
                "ci_ub": -0.362167045505926,
                "pval": 7.05425810164237e-05,
                "tau2": 0.313243258136486,
                "I2": 92.2213845212691,
                "H2": 12.8557582353094,
                "QE": 152.233008082373,
                "QEp": 1.99676459084597e-26,
                "pi_lb": -1.8666922179029,
                "pi_ub": 0.437627533586617,
            },
            "REML_knha": {
                "estimate": -0.71453234215814,
                "se": 0.180791744092848,
                "ci_lb": -1.10844371368555,
                "ci_ub": -0.320620970630728,
                "pval": 0.0019200150960573,
                "tau2": 0.313243258136486,
                "I2": 92.2213845212691,
                "H2": 12.8557582353094,
                "QE": 152.233008082373,
                "QEp": 1.99676459084597e-26,
                "pi_lb": -1.99601683419621,
                "pi_ub": 0.566952149879933,
            },
            "DL_z": {
                "estimate": -0.714117222073227,
                "se": 0.178742089535403,
                "ci_lb": -1.06444528008405,
                "ci_ub": -0.363789164062403,
                "pval": 6.462924304704e-05,
                "tau2": 0.308760262862376,
                "I2": 92.1173468545621,
                "H2": 12.6860840068644,
                "QE": 152.233008082373,
                "QEp": 1.99676459084597e-26,
                "pi_lb": -1.85815375273217,
                "pi_ub": 0.429919308585714,
            },
            "DL_knha": {
                "estimate": -0.714117222073227,
                "se": 0.180696628335547,
                "ci_lb": -1.10782135416833,
                "ci_ub": -0.320413089978125,
                "pval": 0.00192076676704736,
                "tau2": 0.308760262862376,
                "I2": 92.1173468545621,
                "H2": 12.6860840068644,
                "QE": 152.233008082373,
                "QEp": 1.99676459084597e-26,
                "pi_lb": -1.98720696343074,
                "pi_ub": 0.558972519284285,
            },
            "PM_z": {
                "estimate": -0.714968153493444,
                "se": 0.180892191537624,
                "ci_lb": -1.06951033399171,
                "ci_ub": -0.360425972995181,
                "pval": 7.73536460790276e-05,
                "tau2": 0.318068452205024,
                "I2": 92.3303379541533,
                "H2": 13.0383841429039,
                "QE": 152.233008082373,
                "QEp": 1.99676459084597e-26,
                "pi_lb": -1.87580708248402,
                "pi_ub": 0.445870775497129,
            },
            "PM_knha": {
                "estimate": -0.714968153493444,
                "se": 0.180892191537624,
                "ci_lb": -1.10909838120224,
                "ci_ub": -0.320837925784648,
                "pval": 0.001919271831278,
                "tau2": 0.318068452205024,
                "I2": 92.3303379541533,
                "H2": 13.0383841429039,
                "QE": 152.233008082373,
                "QEp": 1.99676459084597e-26,
                "pi_lb": -2.0054259229281,
                "pi_ub": 0.575489615941215,
            },
            "FE_z": {
                "estimate": -0.430285163654091,
                "se": 0.0404987517108638,
                "ci_lb": -0.509661258426214,
                "ci_ub": -0.350909068881968,
                "pval": 2.28862930697324e-26,
                "tau2": 0,
                "I2": 92.1173468545621,
                "H2": 12.6860840068644,
                "QE": 152.233008082373,
                "QEp": 1.99676459084597e-26,
            },
            "FE_knha": {
                "estimate": -0.430285163654091,
                "se": 0.144246547979696,
                "ci_lb": -0.744571393027461,
                "ci_ub": -0.115998934280721,
                "pval": 0.0114222350400532,
                "tau2": 0,
                "I2": 92.1173468545621,
                "H2": 12.6860840068644,
                "QE": 152.233008082373,
                "QEp": 1.99676459084597e-26,
            },
        },
        "ablat": {
            "REML_z": {
                "b": [0.251468210006954, -0.0291017250116429],
                "se": [0.249095396617645, 0.00719532722092874],
                "pval": [0.312722572309461, 5.24279397413509e-05],
                "ci_lb": [-0.236749796078352, -0.0432043072216439],
                "ci_ub": [0.739686216092259, -0.0149991428016419],
                "tau2": 0.0763479639559193,
                "I2": 68.3912248383852,
                "QM": 16.3582321470467,
                "QMp": 5.24279397413507e-05,
                "QE": 30.7330900107493,
                "QEp": 0.00121429098742004,
                "R2": 75.6266218113933,
            },
            "REML_knha": {
                "b": [0.251468210006954, -0.0291017250116429],
                "se": [0.283925283743889, 0.00820141741104984],
                "pval": [0.394737072448152, 0.00456505154159259],
                "ci_lb": [-0.373447126088155, -0.0471529230250808],
                "ci_ub": [0.876383546102062, -0.011050526998205],
                "tau2": 0.0763479639559193,
                "I2": 68.3912248383852,
                "QM": 12.5909828843799,
                "QMp": 0.00456505154159259,
                "QE": 30.7330900107493,
                "QEp": 0.00121429098742004,
                "R2": 75.6266218113933,
            },
            "DL_z": {
                "b": [0.259543712434023, -0.0292287387551884],
                "se": [0.232307473392695, 0.00673301083956727],
                "pval": [0.263890781992962, 1.417649105253e-05],
                "ci_lb": [-0.195770568755155, -0.0424251975082581],
                "ci_ub": [0.714857993623202, -0.0160322800021188],
                "tau2": 0.0633005024264152,
                "I2": 64.2079595766237,
                "QM": 18.8452335426353,
                "QMp": 1.41764910525301e-05,
                "QE": 30.7330900107493,
                "QEp": 0.00121429098742004,
                "R2": 79.498494450165,
            },
            "PM_z": {
                "b": [0.221915964507363, -0.0285645258944061],
                "se": [0.317473696547316, 0.00907018887118232],
                "pval": [0.484548387910197, 0.00163675670778058],
                "ci_lb": [-0.400321046764176, -0.0463417694148995],
                "ci_ub": [0.844152975778901, -0.0107872823739128],
                "tau2": 0.142131941472759,
                "I2": 80.1112838825894,
                "QM": 9.91793777347607,
                "QMp": 0.00163675670778058,
                "QE": 30.7330900107493,
                "QEp": 0.00121429098742004,
                "R2": 55.314039953531,
            },
        },
        "alloc": {
            "REML_z": {
                "b": [-0.5179557771553, -0.447818401390525, 0.089038216231708],
                "se": [0.441194460386783, 0.515821633598989, 0.560035586835431],
                "pval": [0.240400944355539, 0.385303891839455, 0.873679343410934],
                "ci_lb": [-1.38268102969198, -1.45881022569116, -1.00861136402649],
                "ci_ub": [0.346769475381379, 0.56317342291011, 1.18668779648991],
                "tau2": 0.3615036643239,
                "I2": 88.7709035717039,
                "QM": 1.76751140193194,
                "QMp": 0.413228032757317,
                "QE": 132.367638262708,
                "QEp": 1.53521295641922e-23,
                "R2": 0,
            }
        },
    },
    "raudenbush": {
        "pool": {
            "REML_z": {
                "estimate": 0.0837012418833189,
                "se": 0.0516406713646082,
                "ci_lb": -0.017512614128782,
                "ci_ub": 0.18491509789542,
                "pval": 0.105052056687317,
                "tau2": 0.0188182881410531,
                "I2": 41.846670248086,
                "H2": 1.71959198942875,
                "QE": 35.8295362995928,
                "QEp": 0.00741931325487901,
                "pi_lb": -0.203585937814367,
                "pi_ub": 0.370988421581004,
            },
            "REML_knha": {
                "estimate": 0.0837012418833189,
                "se": 0.0615793194692993,
                "ci_lb": -0.0456721076127762,
                "ci_ub": 0.213074591379414,
                "pval": 0.190856991834626,
                "tau2": 0.0188182881410531,
                "I2": 41.846670248086,
                "H2": 1.71959198942875,
                "QE": 35.8295362995928,
                "QEp": 0.00741931325487901,
                "pi_lb": -0.232208563883969,
                "pi_ub": 0.399611047650607,
            },
            "DL_z": {
                "estimate": 0.0893220844315025,
                "se": 0.0557939247181291,
                "ci_lb": -0.0200319985721697,
                "ci_ub": 0.198676167435175,
                "pval": 0.109392755477958,
                "tau2": 0.0259036722998061,
                "I2": 49.7621184670353,
                "H2": 1.99052979442182,
                "QE": 35.8295362995928,
                "QEp": 0.00741931325487901,
                "pi_lb": -0.2445434662233,
                "pi_ub": 0.423187635086305,
            },
            "DL_knha": {
                "estimate": 0.0893220844315025,
                "se": 0.0635755550816228,
                "ci_lb": -0.044245200460037,
                "ci_ub": 0.222889369323042,
                "pval": 0.177051918488964,
                "tau2": 0.0259036722998061,
                "I2": 49.7621184670353,
                "H2": 1.99052979442182,
                "QE": 35.8295362995928,
                "QEp": 0.00741931325487901,
                "pi_lb": -0.274237745880259,
                "pi_ub": 0.452881914743264,
            },
            "PM_z": {
                "estimate": 0.103956970240951,
                "se": 0.0682083873212762,
                "ci_lb": -0.0297290123523085,
                "ci_ub": 0.237642952834211,
                "pval": 0.127481656026209,
                "tau2": 0.0517733101030224,
                "I2": 66.4402293259097,
                "H2": 2.97975814468854,
                "QE": 35.8295362995928,
                "QEp": 0.00741931325487901,
                "pi_lb": -0.361614700625858,
                "pi_ub": 0.569528641107761,
            },
            "PM_knha": {
                "estimate": 0.103956970240951,
                "se": 0.0682083873212762,
                "ci_lb": -0.0393435340116152,
                "ci_ub": 0.247257474493518,
                "pval": 0.144858565731937,
                "tau2": 0.0517733101030224,
                "I2": 66.4402293259097,
                "H2": 2.97975814468854,
                "QE": 35.8295362995928,
                "QEp": 0.00741931325487901,
                "pi_lb": -0.395098008499112,
                "pi_ub": 0.603011948981015,
            },
            "FE_z": {
                "estimate": 0.0603655663352582,
                "se": 0.0364678501135356,
                "ci_lb": -0.0111101064808764,
                "ci_ub": 0.131841239151393,
                "pval": 0.0978618018248292,
                "tau2": 0,
                "I2": 49.7621184670353,
                "H2": 1.99052979442182,
                "QE": 35.8295362995928,
                "QEp": 0.00741931325487901,
            },
            "FE_knha": {
                "estimate": 0.0603655663352582,
                "se": 0.0514510808307951,
                "ci_lb": -0.0477291433763824,
                "ci_ub": 0.168460276046899,
                "pval": 0.255983264686013,
                "tau2": 0,
                "I2": 49.7621184670353,
                "H2": 1.99052979442182,
                "QE": 35.8295362995928,
                "QEp": 0.00741931325487901,
            },
        },
        "blup": {
            "pred": [
                0.0543399488651658,
                0.100601524424189,
                -0.00640639250948564,
                0.214341373319465,
                0.105102851131711,
                -0.00822155671806355,
                0.0173656399955239,
                -0.0293180941152346,
                0.160384421702818,
                0.248450672989477,
                0.161749734127039,
                0.110149330810098,
                0.0646286021255555,
                0.110451513721738,
                -0.0287783252532899,
                0.0258178843462697,
                0.190483905882542,
                0.0743656191852812,
                0.0248149417522578,
            ],
            "se": [
                0.0952742423163522,
                0.104011179327252,
                0.110405159960644,
                0.136546228569768,
                0.136354177546798,
                0.0844205777036773,
                0.0844205777036773,
                0.122198895709284,
                0.109524626429184,
                0.126772159026902,
                0.132030211678093,
                0.122690668614285,
                0.130894136296497,
                0.130989016131103,
                0.108020737504762,
                0.110405159960644,
                0.101052939892568,
                0.0791631404220087,
                0.112353888239959,
            ],
            "pi_lb": [
                -0.132394134729227,
                -0.103256641046762,
                -0.222796529739731,
                -0.0532843169020543,
                -0.162146426001593,
                -0.173682848571336,
                -0.148095651857749,
                -0.268823528655997,
                -0.0542799015185854,
                -1.81929456354313e-05,
                -0.097024725633223,
                -0.13031996091304,
                -0.191919190803056,
                -0.14628224026556,
                -0.240495080346078,
                -0.190572252883975,
                -0.00757621683878223,
                -0.0807912849449427,
                -0.1953946327211,
            ],
            "pi_ub": [
                0.241074032459558,
                0.30445968989514,
                0.209983744720759,
                0.481967063540984,
                0.372352128265016,
                0.157239735135209,
                0.182826931848797,
                0.210187340425528,
                0.375048744924222,
                0.496919538924589,
                0.420524193887302,
                0.350618622533236,
                0.321176395054167,
                0.367185267709036,
                0.182938429839498,
                0.242208021576515,
                0.388544028603867,
                0.229522523315505,
                0.245024516225615,
            ],
        },
        "weeks_c": {
            "REML_z": {
                "b": [0.407185342983263, -0.157244430980409],
                "se": [0.0870378944229455, 0.0358312257498056],
                "pval": [2.89328572680957e-06, 1.1414836212578e-05],
                "ci_lb": [0.23659420462409, -0.227472342971952],
                "ci_ub": [0.577776481342436, -0.0870165189888658],
                "tau2": 3.0715855161967e-14,
                "I2": 1.17139116024271e-10,
                "QM": 19.2587110026957,
                "QMp": 1.1414836212578e-05,
                "QE": 16.5708252968801,
                "QEp": 0.483789313445746,
                "R2": 99.9999999998368,
            }
        },
    },
}

ESCALC_BCG = {
    "vi": [
        0.325584765003961,
        0.194581121398144,
        0.415367965367965,
        0.0200100319022476,
        0.0512101721696309,
        0.00690561845590876,
        0.223017247572315,
        0.00396157929781773,
        0.056434210463249,
        0.0730247936130289,
        0.0124122139715597,
        0.532505845200153,
        0.0714046596839863,
    ],
    "yi": [
        -0.889311333920205,
        -1.58538865720143,
        -1.34807314829969,
        -1.44155119002131,
        -0.217547322211296,
        -0.786115585818864,
        -1.62089822359839,
        0.0119523335238405,
        -0.469417648738149,
        -1.37134480347278,
        -0.339358828338391,
        0.445913400571379,
        -0.0173139482168798,
    ],
}


def bcg_effects() -> pd.DataFrame:
    """Log risk ratios and their variances, as metafor's escalc(measure="RR") computes them."""
    a, b, c, d = (BCG[k].to_numpy(float) for k in ("tpos", "tneg", "cpos", "cneg"))
    yi = np.log((a / (a + b)) / (c / (c + d)))
    vi = 1 / a - 1 / (a + b) + 1 / c - 1 / (c + d)
    return BCG.assign(estimate=yi, std_error=np.sqrt(vi), unit=BCG["trial"].astype(str))


def raudenbush_effects() -> pd.DataFrame:
    d = RAUDENBUSH.assign(estimate=RAUDENBUSH["yi"], std_error=np.sqrt(RAUDENBUSH["vi"]))
    return d.assign(weeks_c=d["weeks"].clip(upper=3))


DATA = {"bcg": bcg_effects, "raudenbush": raudenbush_effects}
METHODS = {"REML": "REML", "DL": "DL", "PM": "PM", "FE": "fixed"}


def test_log_risk_ratios_match_escalc():
    eff = bcg_effects()
    np.testing.assert_allclose(eff["estimate"], ESCALC_BCG["yi"], rtol=0, atol=1e-12)
    np.testing.assert_allclose(eff["std_error"] ** 2, ESCALC_BCG["vi"], rtol=0, atol=1e-12)


def _assert_close(ours: dict, theirs: dict) -> None:
    for key, expected in theirs.items():
        got = np.asarray(ours[key], dtype=float)
        assert np.allclose(got, expected, rtol=0, atol=TOL), (key, got, expected)


@pytest.mark.parametrize("data", ["bcg", "raudenbush"])
@pytest.mark.parametrize("method", list(METHODS))
@pytest.mark.parametrize("test", ["z", "knha"])
def test_pool_effects_matches_metafor_rma(data, method, test):
    res = pool_effects(DATA[data](), method=METHODS[method], knapp_hartung=test == "knha")
    ours = {
        "estimate": res.estimate,
        "se": res.std_error,
        "ci_lb": res.ci_lower,
        "ci_ub": res.ci_upper,
        "pval": res.p_value,
        "tau2": res.tau2,
        "I2": 100 * res.i2,
        "H2": res.h2,
        "QE": res.q,
        "QEp": res.q_p_value,
        "pi_lb": res.prediction_interval[0],
        "pi_ub": res.prediction_interval[1],
    }
    expected = METAFOR[data]["pool"][f"{method}_{test}"]
    _assert_close(ours, expected)
    assert res.k == len(DATA[data]()) and res.q_df == res.k - 1


def _metareg(res) -> dict:
    # metafor lists the intercept first; our terms put it last
    t = res.terms.iloc[[len(res.terms) - 1, *range(len(res.terms) - 1)]]
    return {
        "b": t["estimate"],
        "se": t["std_error"],
        "pval": t["p_value"],
        "ci_lb": t["ci_lower"],
        "ci_ub": t["ci_upper"],
        "tau2": res.tau2,
        "I2": 100 * res.i2,
        "QM": res.qm,
        "QMp": res.qm_p_value,
        "QE": res.qe,
        "QEp": res.qe_p_value,
        "R2": 100 * res.r2,
    }


@pytest.mark.parametrize("case", ["REML_z", "REML_knha", "DL_z", "PM_z"])
def test_meta_regression_on_latitude_matches_metafor(case):
    method, test = case.split("_")
    res = meta_regression(bcg_effects(), "ablat", method=method, knapp_hartung=test == "knha")
    _assert_close(_metareg(res), METAFOR["bcg"]["ablat"][case])
    assert res.terms["term"].tolist() == ["ablat", "intercept"]


def test_meta_regression_on_a_category_matches_metafor_factor_coding():
    res = meta_regression(bcg_effects(), "alloc", method="REML")
    _assert_close(_metareg(res), METAFOR["bcg"]["alloc"]["REML_z"])
    # reference level = first in sorted order, as R's factor()
    assert res.categories == {"alloc": ["alternate", "random", "systematic"]}
    assert res.terms["term"].tolist() == ["alloc=random", "alloc=systematic", "intercept"]


def test_meta_regression_on_weeks_matches_metafor():
    res = meta_regression(raudenbush_effects(), "weeks_c", method="REML")
    _assert_close(_metareg(res), METAFOR["raudenbush"]["weeks_c"]["REML_z"])
    assert res.tau2 == 0.0  # the classic result: weeks of contact explain all heterogeneity


def test_shrink_effects_matches_metafor_blup():
    t = shrink_effects(raudenbush_effects(), method="REML").table
    b = METAFOR["raudenbush"]["blup"]
    _assert_close(
        {"pred": t["shrunken"], "se": t["shrunken_se"], "pi_lb": t["ci_lower"],
         "pi_ub": t["ci_upper"]},
        b,
    )  # fmt: skip


def _literal_matches(ours, theirs, path=""):
    if isinstance(theirs, dict):
        for k, v in theirs.items():
            _literal_matches(ours[k], v, f"{path}.{k}")
    elif isinstance(theirs, str):
        assert ours == theirs, path
    else:
        assert np.allclose(ours, theirs, rtol=1e-9, atol=1e-12), path


@pytest.mark.slow
@pytest.mark.skipif(
    shutil.which("Rscript") is None, reason="R is not installed (apt-get install r-cran-metafor)"
)
def test_the_literals_are_what_metafor_prints():
    proc = subprocess.run(
        ["Rscript", str(HERE / "metafor_reference.R")], capture_output=True, text=True,
        timeout=300,
    )  # fmt: skip
    if "there is no package called" in proc.stderr:
        pytest.skip("metafor is not installed for R (apt-get install r-cran-metafor)")
    assert proc.returncode == 0, proc.stderr
    printed = json.loads(proc.stdout)
    assert printed["metafor"] == METAFOR["metafor"], "another metafor version: regenerate"
    np.testing.assert_allclose(printed["bcg"]["yi"], ESCALC_BCG["yi"], rtol=1e-12)
    printed["bcg"].pop("yi"), printed["bcg"].pop("vi")
    _literal_matches(printed, METAFOR)
