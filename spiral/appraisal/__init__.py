"""Options appraisal in HM Treasury Green Book terms.

Discounting (:mod:`~spiral.appraisal.discounting`), prices (:mod:`~spiral.appraisal.prices`),
options and their cash flows (:mod:`~spiral.appraisal.options`), the appraisal itself
(:mod:`~spiral.appraisal.appraisal`), optimism bias, risk, sensitivity, multi-criteria
scoring, neutrality checks, social value, the options file and the report.
"""
