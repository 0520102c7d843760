"""Open Contracting Data Standard (OCDS): reading, validation, preparation, compiling,
procurement indicators and red flags.

- :mod:`spiral.ocds.reader` streams release packages, record packages, JSON Lines and arrays,
  and reports bad input in groups while the valid remainder goes on; :mod:`spiral.ocds.lines`
  reads JSON Lines in big blocks and finds their ``ocid`` values without parsing.
- :mod:`spiral.ocds.validation` validates offline against the shipped OCDS schemas.
- :mod:`spiral.ocds.prepare` corrects known publisher quirks before analysis, counting each change.
- :mod:`spiral.ocds.merge` and :mod:`spiral.ocds.compile` merge releases into compiled and
  versioned releases and record packages, by the OCDS merge rules; :mod:`spiral.ocds.records`
  builds the records, :mod:`spiral.ocds.first_pass` makes the first pass over JSON Lines and
  :mod:`spiral.ocds.workers` shares the work among processes.
- :mod:`spiral.ocds.indicators` computes procurement indicators for a buyer, market or country.
- :mod:`spiral.ocds.flags` computes red flags compatible with the Open Contracting Partnership's
  Cardinal.
"""
