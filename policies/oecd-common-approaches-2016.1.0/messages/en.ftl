# oecd-common-approaches 2016.1.0: the explanations of the rules, in English: scope, review and
# human rights (scope.rhai, review.rhai, humanrights.rhai), then Annex I, the category floors and
# the Category A steps (annex_i.rhai, category.rhai, steps.rhai). The Dutch catalogue (nl.ftl)
# has the same ids; terms follow docs/glossary.md.

## R-EC-01: Common Approaches scope

ca-scope-within = within the Common Approaches: { $goods } on a repayment term of { $term } months
ca-scope-goods-excluded = outside the Common Approaches' scope: { $goods } are excluded
ca-scope-term-short = outside the Common Approaches' scope: a repayment term of { $term } months is below the { $min } months the Common Approaches cover
ca-scope-goods-needed = what is exported decides whether the Common Approaches apply
ca-scope-term-needed = the repayment term decides whether the Common Approaches apply
ca-scope-assumption = it decides only whether a category applies, never how high it is; if it is wrong the application is not categorised

## R-EC-02: size threshold

ca-scope-share-above = full environmental and social review: the insured share of { $share } is at or above SDR { $threshold }
ca-scope-share-below = the insured share of { $share } is below SDR { $threshold }: reviewed only if sensitive (R-EC-03)
ca-scope-share-needed = the insured share is compared with the SDR 10 million threshold

## R-EC-03: below the threshold, sensitive

ca-scope-sensitive-reviewed = below the threshold but reviewed: a sensitive location, an Annex I sector, elevated human-rights risk or a circumstance in which PS7 requires FPIC
ca-scope-not-sensitive = not categorised: below the SDR 10 million threshold, not in a sensitive location or sector, and no elevated human-rights risk
ca-scope-location-needed = below the threshold, a sensitive location still requires a review
ca-scope-sector-needed = below the threshold, a sensitive sector still requires a review
ca-scope-hr-needed = below the threshold, elevated human-rights risk still requires a review

## R-EC-05: project, non-project or existing operation

ca-scope-spare-parts = not categorised: a delivery of spare parts to an operation is a non-project, reviewed on sector and location only
ca-scope-not-a-project = not categorised: the export is not related to a project, reviewed on sector and location only
ca-scope-existing-operation = not categorised: an existing operation without material change, reviewed for the risks of the existing operation
ca-scope-stage-needed = whether this is a new project, an expansion or an existing operation decides how it is reviewed
ca-scope-spare-parts-needed = spare parts are a non-project
ca-scope-location-project = work in or near a sensitive location counts as a project
ca-scope-project = a project ({ $stage }): categorised A, B or C

## R-EC-14: severe human-rights impacts

ca-hr-risk-needed = every application in scope is screened for severe human-rights impacts
ca-hr-risk-normal = screened for severe human-rights impacts: risk normal
ca-hr-severe-security-forces = government security forces
ca-hr-severe-conflict = a conflict-affected area
ca-hr-severe-ip-relocation = relocation of Indigenous Peoples
ca-hr-severe-displacement = displacement of people
ca-hr-severe-community = significant community impacts
ca-hr-indicator-needed = with elevated human-rights risk, indicators of severe impacts are needed
ca-hr-hria = elevated human-rights risk with { $found }: a human-rights impact assessment complements the ESIA
ca-hr-severe = high risk of severe human-rights impacts: { $found }
ca-hr-no-severe = elevated human-rights risk, without indicators of severe impacts: reviewed with the E&S review

## R-EC-04: outside the Common Approaches, with red flags

ca-review-flag-location = a sensitive location
ca-review-flag-sector = a sensitive sector
ca-review-flag-hr = elevated human-rights risk
ca-review-national = outside the Common Approaches, with { $flags }: the insurer reviews the risks nationally

## R-EC-08: significant resettlement

ca-review-physical = { $physical } people physically displaced: significant resettlement ({ $line } or more)
ca-review-economic = { $economic } people economically displaced: significant resettlement ({ $line } or more)
ca-review-together = { $physical } people physically and { $economic } economically displaced: significant resettlement ({ $line } or more together)
ca-review-physical-needed = significant resettlement makes the project Category A
ca-review-economic-needed = significant resettlement, physical or economic, makes the project Category A

## R-EC-12: Category B information and ESMP

ca-review-b-information = Category B: the exporter provides the relevant environmental and social information on the project
ca-review-b-esmp = Category B: an environmental and social management plan (Dutch practice)

## R-EC-13: benchmark standards

ca-review-standards-world-bank = the World Bank safeguard policies (a sovereign buyer, not project finance)
ca-review-standards-ifc = the IFC Performance Standards and the World Bank Group EHS Guidelines
ca-review-benchmarked = benchmarked against host-country law and { $standards }; where limits differ, the more stringent applies

## R-EC-15: GHG reporting

ca-review-ghg-needed = projected emissions above 25 000 t CO2e a year are reported to the OECD
ca-review-ghg-reported = projected Scope 1 and 2 emissions of { $ghg } t CO2e a year are reported to the OECD Export Credit Group (PS3 quantification: R-PS-05)
ca-review-fossil-plant = a new { $fuel }-fired power plant: the actions taken to avoid, minimise or offset CO2 are reported to the OECD

## R-EC-18: deviation from the benchmark standards

ca-review-deviation = the project does not meet a relevant aspect of the benchmark standards: support needs a decision on the deviation
ca-review-deviation-reported = a supported deviation is reported to the OECD with its reasons
ca-review-deviation-assessed = deviations from the benchmark standards are assessed in the review

## R-EC-19: ex post reporting and publication

ca-review-ex-post-report = Category { $category }: reported to the OECD Export Credit Group once the policy is issued
ca-review-ex-post-summary = Category { $category }: the insurer publishes a short environmental and social summary after issue

## R-EC-20: refused or late information

ca-review-refused = the exporter refuses information the screening needs ({ $refused }): insurance is not provided
ca-review-late = information is still outstanding after the deadline of { $deadline }: insurance is not provided

## R-EC-06: Annex I, the illustrative list of Category A projects

ca-annex-stage-needed = Annex I applies to new projects and expansions
ca-annex-activities-needed = the project's activities are compared with the Annex I list of Category A projects
ca-annex-compared = { $what } is compared with the Annex I threshold

## R-EC-06.1: crude-oil refineries and coal gasification

ca-annex-item-1-refinery = a crude-oil refinery is on the Annex I list
ca-annex-what-coal = the tonnes of coal gasified a day
ca-annex-item-1-coal = coal gasification of { $tonnes } t/day, at or above the { $threshold } t/day of Annex I

## R-EC-06.2: thermal and nuclear power stations

ca-annex-item-2-nuclear = a nuclear power station is on the Annex I list
ca-annex-item-2-thermal = thermal power station of { $mwth } MWth, at or above the { $threshold } MWth of Annex I
ca-annex-item-2-electrical = power station of { $mwe } MWe: its heat input is at least as large, at or above the { $threshold } MWth of Annex I
ca-annex-item-2-technology = { $tech } power station of { $mwe } MWe, at or above the { $threshold } MWe that Annex I gives as equivalent to 300 MWth
ca-annex-item-2-heat-needed = the heat output is compared with the 300 MWth of Annex I

## R-EC-06.3: nuclear fuel and radioactive waste

ca-annex-item-3 = nuclear fuel or radioactive waste installations are on the Annex I list

## R-EC-06.4: iron, steel and non-ferrous metals

ca-annex-item-4-steel = integrated works for the initial smelting of cast iron and steel are on the Annex I list
ca-annex-item-4-non-ferrous = production of non-ferrous crude metals is on the Annex I list

## R-EC-06.5: asbestos

ca-annex-item-5-product-needed = Annex I sets a different asbestos threshold per product
ca-annex-what-asbestos = the asbestos tonnage a year
ca-annex-item-5 = asbestos ({ $product }) of { $tonnes } t a year, above the { $threshold } t of Annex I

## R-EC-06.6: integrated chemical installations

ca-annex-item-6 = integrated chemical installations are on the Annex I list

## R-EC-06.7: motorways, railways, airports and roads

ca-annex-item-7-kind = a { $kind } is on the Annex I list
ca-annex-what-runway = the basic runway length
ca-annex-item-7-airport = an airport with a { $runway } m runway, at or above the { $threshold } m of Annex I
ca-annex-item-7-lanes-needed = the number of lanes is compared with the Annex I threshold
ca-annex-item-7-km-needed = the continuous road length is compared with the Annex I threshold
ca-annex-item-7-road = a road of { $lanes } lanes over { $km } km, at or above the { $lanes_threshold } lanes and { $km_threshold } km of Annex I

## R-EC-06.8: pipelines and terminals

ca-annex-item-8-pipeline = pipelines and terminals for large-scale transport of gas, oil or chemicals are on the Annex I list
ca-annex-item-8-lng = an LNG terminal or plant is a terminal for large-scale transport of gas, on the Annex I list

## R-EC-06.9: ports and inland waterways

ca-annex-what-vessel = the vessel size the port or waterway admits
ca-annex-item-9 = a port or waterway for vessels of { $tonnes } t, above the { $threshold } t of Annex I

## R-EC-06.10: hazardous waste

ca-annex-item-10 = incineration, chemical treatment or landfill of hazardous waste is on the Annex I list

## R-EC-06.11: large dams and reservoirs

ca-annex-item-11 = a dam or reservoir storing { $volume } m3 with a dam of { $height } m: above the { $volume_threshold } m3 or at or above the { $height_threshold } m of Annex I
ca-annex-item-11-volume = a dam or reservoir storing { $volume } m3: above the { $volume_threshold } m3 or at or above the { $height_threshold } m of Annex I
ca-annex-item-11-height = a dam or reservoir with a dam of { $height } m: above the { $volume_threshold } m3 or at or above the { $height_threshold } m of Annex I
ca-annex-item-11-volume-needed = the volume stored is compared with the Annex I threshold
ca-annex-item-11-height-needed = the dam height is compared with the Annex I threshold

## R-EC-06.12: groundwater abstraction

ca-annex-what-groundwater = the volume abstracted a year
ca-annex-item-12 = groundwater abstraction of { $volume } m3 a year, at or above the { $threshold } m3 of Annex I

## R-EC-06.13: pulp and paper

ca-annex-what-paper = the production in air-dried tonnes a day
ca-annex-item-13 = pulp and paper production of { $tonnes } air-dried t/day, above the { $threshold } of Annex I

## R-EC-06.14: large-scale extraction

ca-annex-item-14-sector-needed = whether extraction is the project's main activity (ISIC section B) decides whether it is large-scale
ca-annex-item-14 = large-scale extraction ({ $kinds }) as the main activity (ISIC { $sector }) is on the Annex I list

## R-EC-06.15: petroleum and natural gas

ca-annex-item-15 = commercial extraction of petroleum and natural gas is on the Annex I list

## R-EC-06.16: storage of petroleum and chemicals

ca-annex-what-storage = the storage capacity
ca-annex-item-16 = storage of { $tonnes } t of petroleum or chemical products, at or above the { $threshold } t of Annex I

## R-EC-06.17: large-scale logging

ca-annex-item-17 = large-scale logging is on the Annex I list

## R-EC-06.18: wastewater treatment

ca-annex-what-wastewater = the treatment capacity
ca-annex-item-18 = wastewater treatment for { $pe } population equivalent, above the { $threshold } of Annex I

## R-EC-06.19: municipal solid waste

ca-annex-item-19 = municipal solid-waste processing and disposal is on the Annex I list

## R-EC-06.20: tourism and retail development

ca-annex-item-20 = large-scale tourism and retail development is on the Annex I list

## R-EC-06.21: overhead power lines

ca-annex-what-voltage = the line's voltage
ca-annex-what-line-length = the line's length
ca-annex-item-21 = an overhead power line of { $kv } kV over { $km } km: at or above the { $kv_threshold } kV and longer than the { $km_threshold } km of Annex I

## R-EC-06.22: land reclamation

ca-annex-item-22 = large-scale land reclamation is on the Annex I list

## R-EC-06.23: primary agriculture

ca-annex-item-23 = large-scale primary agriculture with intensification or conversion of natural habitat is on the Annex I list

## R-EC-06.24: tanneries

ca-annex-what-tannery = the tanning output a day
ca-annex-item-24 = tanning of { $tonnes } t/day, above the { $threshold } t/day of Annex I

## R-EC-06.25: intensive livestock

ca-annex-item-25 = { $places } { $kind } places, above the { $threshold } of Annex I
ca-annex-item-25-places-needed = the number of places is compared with the Annex I threshold

## R-EC-07: sensitive locations

ca-cat-sensitive-location = in or near a sensitive location: { $locations }
ca-cat-sensitive-flag-needed = each sensitive-location flag is needed for the category and the review

## R-EC-09: site-specific impacts (B) or none (C)

ca-cat-physical-works = new or expanded physical works ({ $activities })
ca-cat-sensitive-sector = a sensitive sector (an Annex I activity or a sector of the table sensitive-sectors)
ca-cat-site-impacts = site-specific adverse impacts: { $impacts }
ca-cat-no-site-impact = no site-specific adverse impact indicator is present
ca-cat-site-indicator-needed = every site-specific impact indicator must be known to complete the review

## R-EC-21: works offshore

ca-cat-offshore = new or expanded works offshore ({ $activities }): impacts on an area broader than the site
ca-cat-offshore-needed = works offshore affect an area broader than the site

## R-EC-10: ESIA, ESMP and independent review for Category A

ca-step-esia = Category A: the exporter provides an environmental and social impact assessment
ca-step-esmp = Category A: the exporter provides an environmental and social management plan
ca-step-independent-review = Category A: an independent party reviews the ESIA

## R-EC-11: public disclosure before final commitment

ca-step-disclosure = Category A: project and ESIA information must be public { $when }
ca-step-disclosure-by = by { $date }, { $days } days before the expected final commitment of { $commitment }
ca-step-disclosure-days = { $days } days before the final commitment
