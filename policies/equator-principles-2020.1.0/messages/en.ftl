# equator-principles 2020.1.0: the explanations of the Equator Principles (EP4) overlay rules, in English.
# Each message is used by ep.rhai; the Dutch catalogue (nl.ftl) has the same ids. Terms follow docs/glossary.md.

## R-SF-05: Equator Principles scope

ep-cofinancier-needed = an Equator Principles co-financier brings the project into EP scope
ep-in-scope = in Equator Principles scope: an EPFI co-finances this { $product }
ep-product-needed = EP scope depends on the financial product
ep-capex-needed = project finance is in EP scope from USD 10 million of capital cost
ep-prcl-needed = a project-related corporate loan is in EP scope from USD 50 million (aggregate and EPFI commitment) and 2 years

## R-SF-06: EP applicable standards

ep-country-needed = the applicable standards depend on whether the country is an EP Designated Country
ep-designated = { $country } is an EP Designated Country (list as at { $date }): host-country law applies, with a gap check against the IFC Performance Standards (no deemed compliance in EP4)
ep-not-designated = { $country } is not an EP Designated Country: the IFC Performance Standards and the World Bank Group EHS Guidelines apply

## R-SF-07: EP climate risk and GHG

ep-physical-risk = EP4 Category A: a climate change risk assessment of physical risks, aligned with TCFD
ep-ghg-needed = above 100 000 t CO2e a year EP4 asks for a transition-risk assessment and an alternatives analysis
ep-transition-risk = Scope 1 and 2 of { $ghg } t CO2e a year: a transition-risk assessment
ep-alternatives = Scope 1 and 2 of { $ghg } t CO2e a year: an analysis of less GHG-intensive alternatives
ep-ghg-reporting = Scope 1 and 2 of { $ghg } t CO2e a year: annual public reporting of emissions

## R-SF-08: EP independent review

ep-pf-review = EP4 project finance, Category A: review by an independent environmental and social consultant
ep-impact-indigenous = adverse impacts on Indigenous Peoples
ep-impact-critical-habitat = critical habitat
ep-impact-cultural-heritage = significant cultural heritage impacts
ep-high-risk-needed = a project-related corporate loan with high-risk impacts needs an independent review
ep-resettlement-needed = large-scale resettlement calls for an independent review
ep-impact-resettlement = large-scale resettlement ({ $people } people)
ep-prcl-review = EP4 project-related corporate loan with { $impacts }: an independent review
