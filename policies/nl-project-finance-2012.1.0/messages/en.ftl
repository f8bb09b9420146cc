# nl-project-finance 2012.1.0: the explanations of the project-finance rules (IFC categorisation,
# disclosure, due-diligence plan, animal welfare), in English. Terms follow docs/glossary.md.
# Each message is used by finance.rhai; the Dutch catalogue (nl.ftl) has the same ids.

## R-SF-01: the IFC category

fin-fi-no-category = not categorised: a financial intermediary (FI-1, FI-2 or FI-3 by portfolio exposure is judged by an analyst)
fin-fi-refer = a financial intermediary: the FI category and the intermediary's own E&S management system are judged by an analyst
fin-no-standards = not categorised: neither the scheme nor a co-financier applies the IFC Performance Standards or the Equator Principles
fin-ifc-needed = whether the scheme applies the IFC Performance Standards decides whether the project is categorised
fin-ifc-assumed = the IFC definitions decide only whether a category applies, never how high it is; the Dutch schemes apply them to projects
fin-cofinancier-needed = an Equator Principles co-financier categorises the project with the IFC definitions
fin-fi-needed = a financial intermediary is not categorised A/B/C
fin-fi-assumed = the applicant's sector is not financial services; if it is a financial intermediary after all, the application is not categorised A/B/C
fin-c-no-works = no physical works are financed (advice, policy, capacity building or services): minimal or no adverse impacts
fin-near = in or near { $place }
fin-displaced = { $people } people physically displaced
fin-b-no-works = no physical works, but { $reasons }: limited, site-specific impacts
fin-stage-needed = whether physical works are financed decides between Category C and the others
fin-activities-needed = the activities are compared with the list of activities with potentially significant impacts
fin-offshore = new or expanded works offshore (an area broader than the site)
fin-resettlement-physical = { $people } people physically displaced (significant resettlement)
fin-resettlement-economic = { $people } people economically displaced (significant resettlement)
fin-resettlement-both = { $physical } people physically and { $economic } economically displaced (significant resettlement)
fin-a = potentially significant, diverse or irreversible impacts: { $reasons }
fin-could-be-a = while it is unknown the project could be Category A
fin-typical-listed = { $activities }: a listed activity is Category A when new or expanded
fin-listed-stage-needed = a listed activity is Category A when new or expanded
fin-physical-works = physical works ({ $activities })
fin-b = limited, site-specific impacts: { $reasons }
fin-c-none = no activity with physical works and no site-specific impact indicator
fin-indicator-needed = every site-specific impact indicator must be known for Category C

## R-SF-02: disclosure before approval

fin-disclosure = Category { $category }: the project's environmental and social information is public { $when }
fin-disclosure-by = by { $due }, { $days } days before the approval of { $approval }
fin-disclosure-days = { $days } days before approval

## R-SF-03: a due-diligence plan

fin-dol-goods = goods of the supply chain are on the US DoL list of child or forced labour for their country
fin-hr-elevated = elevated human-rights risk
fin-dd-plan = high country and sector risks ({ $reasons }): a due-diligence plan under the OECD Guidelines
fin-hr-needed = high human-rights risk calls for a due-diligence plan

## R-SF-04: animal welfare

fin-isic = ISIC { $code }
fin-animals = animals are kept or farmed ({ $found }): the OECD-FAO Guidance for Responsible Agricultural Supply Chains applies
fin-animals-needed = livestock and aquaculture follow the OECD-FAO guidance on animal welfare
