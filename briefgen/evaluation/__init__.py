"""briefgen measured on reference data, behind ``briefgen eval`` and ``make eval``: ROUGE on
reference summaries (:mod:`.summaries`), story grouping on story-labelled articles
(:mod:`.stories`), topic detection on Reuters-21578 and the portal's items (:mod:`.topics`),
sentences alike in every layout (:mod:`.layouts`), whole briefings against the portal's
categories (:mod:`.briefing`) and bullets that open by pointing back (:mod:`.standalone`).
Nothing in the pipeline imports this package."""
