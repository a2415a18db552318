"""Text, before any ranking: what a line break means and what is set aside (:mod:`.layout`),
the offline sentence splitter (:mod:`.sbd`), an article's sentences (:mod:`.split`, the
pipeline's split stage), words, stems and lemmas (:mod:`.words`) and how dates are written
(:mod:`.dates`). Nothing here imports a stage, the output or the command line."""
