"""International law engaged by each incident: treaties and participation as dated data, rules as data.

- :mod:`.framework` loads the instruments, their articles and each state's
  participation (``data/treaties.toml``) and says whether a state was bound on a date.
- :mod:`.classify` turns an incident (extraction schema) into the obligations it
  engages (``data/rules.toml``): ``[{"instrument", "article", "state", "in_force", "reason"}]``.

Pure: no I/O beyond reading the packaged data once, no database.
"""

from refwatch.law.classify import Case, Obligation, classify_case, classify_incident, engaged_instruments

__all__ = ["Case", "Obligation", "classify_case", "classify_incident", "engaged_instruments"]
