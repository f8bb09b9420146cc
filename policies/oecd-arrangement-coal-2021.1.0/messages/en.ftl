# oecd-arrangement-coal 2021.1.0: the explanations of the OECD Arrangement's coal-fired power ban,
# in English. Terms follow docs/glossary.md.
# Each message is used by coal.rhai; the Dutch catalogue (nl.ftl) has the same ids.

## R-EC-16: the OECD coal ban

coal-power-needed = whether this is coal-fired power decides the coal ban
coal-term-needed = the coal ban covers repayment terms of two years or more
coal-stage-needed = the coal ban treats new plants, new units and existing plants differently
coal-ccus-not-covered = coal-fired power with operational CCUS: not covered by the coal ban
coal-ccus-needed = new coal-fired capacity is banned unless it has operational CCUS
coal-new-plant = a new coal-fired power plant
coal-new-unit = a new coal-fired unit
coal-banned-new = the OECD coal ban: no officially supported export credits for { $what } without operational CCUS
coal-retrofit-allowed = a CCUS retrofit of an existing coal plant: allowed under the coal ban
coal-abatement-allowed = pollution or CO2 abatement at an existing coal plant that does not extend its life or capacity: allowed under the coal ban
coal-banned-existing = the OECD coal ban: equipment for an existing coal-fired plant that is not abatement without life extension, nor a CCUS retrofit
coal-retrofit-needed = a CCUS retrofit is allowed under the coal ban
coal-abatement-needed = abatement equipment is allowed under the coal ban
coal-extends-needed = abatement is allowed only without extending the plant's life or capacity
