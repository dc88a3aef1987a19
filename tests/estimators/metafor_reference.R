# Reference numbers for tests/estimators/test_pooling_published.py, from R's metafor.
# Run: Rscript tests/estimators/metafor_reference.R   (Debian: apt-get install r-cran-metafor)
# Prints one JSON object; the test writes the same numbers literally and, when Rscript is
# installed, re-runs this script and compares (slow test).
# The iterations are run to convergence (threshold 1e-12 for REML Fisher scoring, tol 1e-12 for
# the Paule-Mandel root): with metafor's defaults REML stops at a change below 1e-5 and PM's
# uniroot at 1.2e-4, which would make a 1e-6 comparison a comparison of stopping rules.
suppressMessages(library(metafor))
ctl <- list(threshold = 1e-12, tol = 1e-12, maxiter = 10000)
out <- list(metafor = as.character(packageVersion("metafor")),
            metadat = as.character(packageVersion("metadat")))

pool <- function(yi, vi) {
  res <- list()
  for (m in c("REML", "DL", "PM", "FE")) {
    for (test in c("z", "knha")) {
      fit <- rma(yi, vi, method = m, test = test, control = ctl)
      pr <- predict(fit)
      res[[paste(m, test, sep = "_")]] <- list(
        estimate = fit$b[1], se = fit$se, ci_lb = fit$ci.lb, ci_ub = fit$ci.ub,
        pval = fit$pval, tau2 = fit$tau2, I2 = fit$I2, H2 = fit$H2, QE = fit$QE,
        QEp = fit$QEp, pi_lb = pr$pi.lb, pi_ub = pr$pi.ub)
    }
  }
  res
}

metareg <- function(fit) {
  list(b = as.vector(fit$b), se = fit$se, pval = fit$pval, ci_lb = fit$ci.lb,
       ci_ub = fit$ci.ub, tau2 = fit$tau2, I2 = fit$I2, QM = fit$QM, QMp = fit$QMp,
       QE = fit$QE, QEp = fit$QEp, R2 = fit$R2)
}

# Colditz et al. (1994) BCG vaccine trials: log risk ratios
bcg <- escalc(measure = "RR", ai = tpos, bi = tneg, ci = cpos, di = cneg, data = dat.bcg)
out$bcg <- list(yi = as.vector(bcg$yi), vi = as.vector(bcg$vi), pool = pool(bcg$yi, bcg$vi))
out$bcg$ablat <- list(
  REML_z = metareg(rma(yi, vi, mods = ~ablat, data = bcg, method = "REML", control = ctl)),
  REML_knha = metareg(rma(yi, vi, mods = ~ablat, data = bcg, method = "REML", test = "knha", control = ctl)),
  DL_z = metareg(rma(yi, vi, mods = ~ablat, data = bcg, method = "DL", control = ctl)),
  PM_z = metareg(rma(yi, vi, mods = ~ablat, data = bcg, method = "PM", control = ctl)))
out$bcg$alloc <- list(
  REML_z = metareg(rma(yi, vi, mods = ~factor(alloc), data = bcg, method = "REML", control = ctl)))

# Raudenbush (1984, 1985) teacher expectancy: standardised mean differences
dat <- dat.raudenbush1985
dat$weeks.c <- ifelse(dat$weeks > 3, 3, dat$weeks)
out$raudenbush <- list(pool = pool(dat$yi, dat$vi))
fit <- rma(yi, vi, data = dat, method = "REML", control = ctl)
b <- blup(fit)
out$raudenbush$blup <- list(pred = b$pred, se = b$se, pi_lb = b$pi.lb, pi_ub = b$pi.ub)
out$raudenbush$weeks_c <- list(
  REML_z = metareg(rma(yi, vi, mods = ~weeks.c, data = dat, method = "REML", control = ctl)))

cat(jsonlite::toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE), "\n")
