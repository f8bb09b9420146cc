# cross-instrument 2016.1.0: the explanations of the rules every kind of support applies, in English.
# Each message is used by cross.rhai; the Dutch catalogue (nl.ftl) has the same ids.
# Terms follow docs/glossary.md.

## R-X-01: sanctions screening

x-sanctions-needed = every party is screened against the EU and UN sanctions lists
x-who-applicant = the applicant
x-who-buyer = the buyer
x-who-end-user = the end user
x-sanctions-confirmed = { $who } matches a sanctions list (confirmed)
x-sanctions-possible = a possible sanctions-list match of { $who } must be resolved by an analyst

## R-X-02: the destination's sanctions regime

x-regime-needed = a destination under a sanctions regime needs judgement
x-regime-no-voucher = no mission voucher for a destination under a { $regime } regime
x-voucher-needed = no voucher is given for a destination under a sanctions regime
x-regime-refer = the destination is under a { $regime } regime: the support must be judged against it

## R-X-03: the commitment to the OECD Guidelines

x-oecd-refused = the applicant does not commit to follow the OECD Guidelines, which all support requires
x-oecd-late = the OECD Guidelines commitment was not given by the information deadline of { $deadline }
x-oecd-needed = support requires a commitment to follow the OECD Guidelines

## R-X-07: reasonable suspicion of non-compliance with the OECD Guidelines

x-ground-ncp-case = an NCP case of { $year } ({ $status })
x-ground-media = credible adverse media
x-suspicion = reasonable suspicion of non-compliance with the OECD Guidelines: { $grounds }
x-ncp-cases-needed = NCP cases are part of the check on compliance with the OECD Guidelines
x-media-needed = adverse media are part of the check on compliance with the OECD Guidelines

## R-X-08: bribery

x-bribery-proven = proven bribery: excluded from export credit insurance
x-bribery-needed = proven bribery excludes the applicant
x-declaration-refused = the applicant does not sign the anti-bribery declaration
x-declaration-late = the anti-bribery declaration was not signed by the information deadline of { $deadline }
x-declaration-needed = export credit insurance requires a signed anti-bribery declaration
x-agent-disclose = an agent is involved: the agent and the agent's fee must be disclosed
x-agent-needed = an agent's involvement requires disclosure of the agent and the fee
x-flag-agent = an agent is involved
x-flag-media = { $media } adverse media
x-flag-hr-risk = elevated risk in the host country
x-integrity-dd = enhanced integrity due diligence: { $flags } (the Corruption Perceptions Index is not licensed here; human-rights risk and adverse media stand in for it)

## R-X-04: the exclusion list

x-exclusion-needed = activities on the exclusion list are not supported
x-exclusion-listed = activities on the exclusion list: { $activities }

## R-X-05: the CSR Risk Check

x-csr-risk-check-unavailable = data_unavailable: the CSR Risk Check (country x product risks) is not shipped; a deployment must look up the country and products and supply the risks it finds; no risks found means no information, never low risk

## R-X-06: the project's country

x-country-needed = the location decides the country, sensitive-area and designated-country rules

## R-X-09: child and forced labour in the primary supply chain

x-supply-chain-needed = the primary supply chain's goods and countries are compared with the US DoL list of child and forced labour
x-chain-item = { $good } from { $country }
x-chain-item-derived = { $item } (inputs from { $country })
x-dol-child-labour = child labour ({ $items })
x-dol-forced-labour = forced labour ({ $items })
x-dol-forced-child-labour = forced child labour ({ $items })
x-dol-derived = goods made with listed inputs ({ $items })
x-dol-trigger = primary supply chain on the US DoL list: { $listed }
x-dol-require = PS2 para. 27-29: the supply chain is identified and monitored for { $listed }
x-dol-forced-child-refer = forced child labour in the primary supply chain ({ $items }) needs an analyst's judgement

## R-X-10: the ITUC Global Rights Index

x-ituc-unavailable = data_unavailable: the ITUC Global Rights Index has no open licence and is not shipped; a deployment must supply the project country's rating: at 5 or 5+ PS2 para. 13-14 asks for alternative ways for workers to raise concerns, and labour-rights questions are added
