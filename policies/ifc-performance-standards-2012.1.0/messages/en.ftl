# ifc-performance-standards 2012.1.0: the explanations of the IFC Performance Standards rules, in English.
# Each message is used by ps.rhai; the Dutch catalogue (nl.ftl) has the same ids. Terms follow docs/glossary.md.

## R-PS-01: PS1, management system, engagement and grievance mechanism

ps-ps1-trigger = Category { $category }: PS1 applies to every project with environmental or social risks
ps-ps1-esms = PS1: an environmental and social management system proportionate to the risks
ps-ps1-sep = PS1: a stakeholder engagement plan
ps-ps1-grievance = PS1: a grievance mechanism for affected communities
ps-ps1-icp = PS1: significant adverse impacts on affected communities call for informed consultation and participation
ps-ps1-icp-needed = significant adverse community impacts call for informed consultation and participation

## R-PS-02: a comprehensive ESIA with alternatives

ps-esia = a { $stage } project with potentially significant impacts (Category A): a comprehensive ESIA including an analysis of alternatives

## R-PS-03: associated facilities and cumulative impacts

ps-associated = associated facilities (not funded by the project, but needed for it) are part of the area of influence the assessment covers
ps-associated-unknown = whether the project depends on associated facilities is to be established in the assessment: they are part of the area of influence
ps-cumulative = other developments affect the same resources: cumulative impacts are assessed
ps-cumulative-needed = cumulative impacts with other developments are assessed where they exist

## R-PS-04: PS2, labour and working conditions

ps-ps2-dismissals = collective dismissals
ps-ps2-dismissals-plan = collective dismissals: a retrenchment plan
ps-ps2-accommodation = worker accommodation
ps-ps2-accommodation-plan = worker accommodation: accommodation meeting the PS2 standards
ps-ps2-under-18 = workers under 18
ps-ps2-under-18-plan = workers under 18: no hazardous work, and a risk assessment
ps-ps2-workforce = a workforce of { $workforce }
ps-ps2-trigger = labour and working conditions: { $found }
ps-ps2-workforce-needed = PS2 applies to the project's workers
ps-ps2-require = PS2: { $plan }
ps-ps2-fact-needed = each PS2 worker fact decides a plan

## R-PS-05: PS3, greenhouse gases and pesticides

ps-ps3-ghg-trigger = Scope 1 and 2 emissions of { $ghg } t CO2e a year, more than { $threshold }
ps-ps3-pesticides = WHO class Ia or Ib pesticides
ps-ps3-pesticides-decline = PS3 para. 17: no manufacture, trade or use of WHO class Ia or Ib pesticides
ps-ps3-ghg-require = PS3: Scope 1 and 2 emissions of { $ghg } t CO2e a year are quantified annually
ps-ps3-ghg-needed = PS3 asks for annual GHG quantification above 25 000 t CO2e a year

## R-PS-06: PS4, community health, safety and security

ps-ps4-dams = dams, tailings dams or ash ponds
ps-ps4-security = { $security } security forces
ps-ps4-community = significant community impacts
ps-ps4-trigger = community health, safety and security: { $found }
ps-ps4-dam-review = PS4: dams in a high-risk location are reviewed by independent dam-safety experts
ps-ps4-dam-location-needed = dams in a high-risk location need an independent dam-safety review
ps-ps4-dams-needed = dams, tailings dams and ash ponds are a PS4 risk
ps-ps4-security-needed = security arrangements are assessed under PS4
ps-ps4-security-require = PS4: { $security } security forces: a security risk assessment, vetting, training in the use of force and a grievance channel

## R-PS-07: PS5, land acquisition and involuntary resettlement

ps-ps5-acquired = land acquired by { $acquisition }
ps-ps5-restrictions = involuntary restrictions on land or resource use
ps-ps5-physical = { $people } people physically displaced
ps-ps5-economic = { $people } people economically displaced
ps-ps5-trigger = land acquisition and involuntary resettlement: { $found }
ps-ps5-voluntary = a willing-seller acquisition does not trigger PS5: the evidence that it was voluntary is kept on file
ps-ps5-acquisition-needed = whether land is acquired, and how, decides whether PS5 applies
ps-ps5-rap = PS5: { $people } people physically displaced: a resettlement action plan (no minimum number)
ps-ps5-lrp = PS5: { $people } people economically displaced, none physically: a livelihood restoration plan
ps-ps5-physical-needed = any physical displacement needs a resettlement action plan
ps-ps5-economic-needed = economic displacement needs a livelihood restoration plan

## R-PS-08: PS6, biodiversity and living natural resources

ps-ps6-floor = PS6: a project in critical habitat is Category A
ps-ps6-protected-area = a protected area
ps-ps6-kba = a Key Biodiversity Area
ps-ps6-ramsar = a Ramsar wetland
ps-ps6-biosphere = a biosphere reserve
ps-ps6-world-heritage = a World Heritage site
ps-ps6-natural-habitat = natural habitat
ps-ps6-critical-habitat = critical habitat
ps-ps6-conversion-sourcing = sourcing of primary commodities from regions at risk of conversion
ps-ps6-trigger = biodiversity: { $found }
ps-ps6-critical-refer = critical habitat: PS6 para. 17 allows it only where every condition (no feasible alternative, no net reduction of the species, net gains, long-term monitoring) is evidenced
ps-ps6-bap = PS6: critical habitat needs a biodiversity action plan achieving net gains, with long-term monitoring
ps-ps6-experts = PS6: critical habitat is assessed with external experts
ps-ps6-protected-permission = PS6 para. 20: in { $areas }, evidence that the project is legally permitted and consistent with the management plan, after consultation
ps-ps6-traceability = PS6 para. 30: primary commodities from regions at risk of conversion need supplier traceability
ps-ps6-fact-needed = each habitat and area fact decides a PS6 requirement

## R-PS-09: PS7, Indigenous Peoples

ps-ps7-customary-land = adverse impacts on customary or traditional land
ps-ps7-relocation = relocation of Indigenous Peoples
ps-ps7-cultural-heritage = significant impacts on their critical cultural heritage
ps-ps7-commercial-use = commercial use of their cultural heritage or knowledge
ps-ps7-trigger = Indigenous Peoples: { $found }
ps-ps7-present = Indigenous Peoples are present in the area of influence
ps-ps7-floor = PS7 special circumstances: { $found }
ps-ps7-icp = PS7: informed consultation and participation of the affected Indigenous Peoples
ps-ps7-ipp = PS7: an Indigenous Peoples plan
ps-ps7-present-needed = whether Indigenous Peoples are present decides whether PS7 applies
ps-ps7-relocation-decline = relocation of Indigenous Peoples without their free, prior and informed consent by the information deadline
ps-ps7-fpic = PS7: free, prior and informed consent for { $found }
ps-ps7-experts = PS7: the special circumstances are assessed with external experts
ps-ps7-fact-needed = with Indigenous Peoples present, each PS7 special circumstance decides whether FPIC is needed

## R-PS-10: PS8, cultural heritage

ps-ps8-ip-heritage = critical cultural heritage of Indigenous Peoples
ps-ps8-world-heritage = a World Heritage site
ps-ps8-trigger = cultural heritage: { $found }
ps-ps8-expected = cultural heritage is expected at the site
ps-ps8-floor = PS8 para. 13-15: { $found }
ps-ps8-chance-find = PS8: cultural heritage is expected: a chance-find procedure
ps-ps8-heritage-needed = heritage expected at the site needs a chance-find procedure
ps-ps8-experts = PS8: { $found } is assessed with external experts
ps-ps8-icp = PS8: consultation with a documented outcome on { $found }
