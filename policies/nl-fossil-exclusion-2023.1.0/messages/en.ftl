# nl-fossil-exclusion 2023.1.0: the explanations of the Dutch fossil exclusion rule, in English.
# Each message is used by fossil.rhai; the Dutch catalogue (nl.ftl) has the same ids.
# Terms follow docs/glossary.md.

## R-EC-17: the Dutch exclusion of the fossil energy sector

fossil-chain-needed = the Dutch fossil exclusion covers the whole fossil energy chain
fossil-transition-open = filed on { $filed }, before the fossil exclusion: a policy may still be issued until { $last_day }
fossil-transition-ended = filed on { $filed }, before the fossil exclusion, but the transition for earlier applications ended on { $last_day }
fossil-exception-needed = whether an exception to the fossil exclusion is claimed
fossil-excluded = the Dutch fossil exclusion: no export credit insurance for the fossil energy sector abroad from 2023
fossil-exception-claimed = an exception to the fossil exclusion is claimed ({ $exception }): an analyst must judge whether it meets the strict conditions
