# The questions of the letter to the applicant, in English: one question for each field of the
# application contract (docs/application.md), asked when a decision lacks that fact. They are read
# as one catalogue with en.ftl. The Dutch file, questions.nl.ftl, asks the same questions and
# follows docs/glossary.md. A question's id is `q-` and the field path, with `.` as `-` and `[]`
# dropped: project.supply_chain[].good is q-project-supply_chain-good. Plain text, no variables.

## applicant

q-applicant = Can you tell us about your company: its name, its KvK number, and whether it is an SME or a large company?
q-applicant-name = What is the registered name of your company?
q-applicant-kvk_number = What is your company's 8-digit number in the trade register of the Dutch Chamber of Commerce (KvK), or is it not registered there?
q-applicant-size = Is your company a small or medium-sized enterprise (SME) or a large company?
q-applicant-oecd_guidelines_commitment = Has your company declared that it commits to the OECD Guidelines for Multinational Enterprises? Is the declaration signed, not yet signed, or refused?
q-applicant-anti_bribery_declaration = Has your company signed the anti-bribery declaration? Is it signed, not yet signed, or refused?
q-applicant-due_diligence_policy = Does your company have a published due diligence policy on human rights and responsible business conduct (yes or no)?
q-applicant-sector_agreement = Does your company take part in a sector agreement on responsible business conduct, and if so, which one?
q-applicant-transparency_benchmark_score = What is your company's score on the Transparency Benchmark (a whole number), or is your company not in the benchmark?
q-applicant-ncp_cases = Has a case (a notification) about your company been filed with the National Contact Point for the OECD Guidelines (NCP)? If so, what are the year and the status of each case?
q-applicant-ncp_cases-year = In what year was the case about your company filed with the NCP?
q-applicant-ncp_cases-status = What is the status of the NCP case: is it still pending, or was it concluded with an agreement, without an agreement, because your company did not cooperate, or with a finding that the OECD Guidelines were not observed?
q-applicant-adverse_media = Have there been negative reports about your company in the media, for example about bribery, human rights or the environment? Are there none, unconfirmed reports, or credible reports?
q-applicant-proven_bribery = Has it been proven that your company was involved in bribery, for example by a conviction (yes or no)?
q-applicant-financial_intermediary = Is your company a financial intermediary: a bank or fund that lends or invests the money in other companies or projects (yes or no)?
q-applicant-sanctions_screening = What was the result of checking your company against sanctions lists: no match, a possible match, or a confirmed match?
q-applicant-self_assessment_completed = Have you fully completed the RBC self-assessment (MVO-zelfscan) for this trade mission (yes or no)?

## transaction

q-transaction = Can you tell us about the transaction: the contract value, the amount you ask support for, the repayment term, what you deliver and to which buyer?
q-transaction-contract_value = What is the contract value (amount and currency), or for project finance the total amount of the loan?
q-transaction-contract_value-amount = What is the amount of the contract value, in figures?
q-transaction-contract_value-currency = In which currency is the contract value (ISO code, such as EUR or USD)?
q-transaction-support_amount = For which amount do you ask support: how much do you want to have insured or financed (amount and currency)?
q-transaction-support_amount-amount = What is the amount you want to have insured or financed, in figures?
q-transaction-support_amount-currency = In which currency is the amount you want to have insured or financed (ISO code, such as EUR or USD)?
q-transaction-project_capital_cost = What is the total capital cost of the project (amount and currency)?
q-transaction-project_capital_cost-amount = What is the amount of the total capital cost of the project, in figures?
q-transaction-project_capital_cost-currency = In which currency is the capital cost of the project (ISO code, such as EUR or USD)?
q-transaction-repayment_term_months = What is the repayment term of the credit: in how many months does the buyer repay it?
q-transaction-goods = What do you deliver: capital goods, services, spare parts, military goods or agricultural commodities?
q-transaction-product = What kind of support do you ask for: a supplier credit, a buyer credit, project finance, a project-related corporate loan, a bridge loan or a grant?
q-transaction-buyer_type = Is the buyer a private party or a government (a sovereign buyer)?
q-transaction-expected_final_commitment = On what date do you expect the final commitment (the issue of the policy), or for project finance the approval (YYYY-MM-DD)?
q-transaction-disclosure_date = On what date was the project information made public, or on what date will it be (YYYY-MM-DD)?
q-transaction-agent_involved = Is an agent involved in this transaction: an intermediary you pay to help win the contract (yes or no)?
q-transaction-agent_fees_disclosed = Have you disclosed who the agent is and what fee you pay the agent (yes or no)?
q-transaction-buyer_sanctions_screening = What was the result of checking the buyer against sanctions lists: no match, a possible match, or a confirmed match?
q-transaction-end_user_sanctions_screening = What was the result of checking the end user of the goods against sanctions lists: no match, a possible match, or a confirmed match?
q-transaction-ifc_performance_standards = Does the support scheme for this project apply the IFC Performance Standards, the environmental and social standards of the IFC (World Bank Group) (yes or no)?
q-transaction-equator_principles_cofinancier = Does a bank or other financial institution that applies the Equator Principles co-finance the project (yes or no)?
q-transaction-epfi_commitment = How much does the co-financier that applies the Equator Principles commit itself (amount and currency)?
q-transaction-epfi_commitment-amount = What is the amount the co-financier that applies the Equator Principles commits itself, in figures?
q-transaction-epfi_commitment-currency = In which currency is the commitment of the co-financier that applies the Equator Principles (ISO code, such as EUR or USD)?

## project

q-project = Can you tell us about the project: the country, the sector, what will be built or done, and how large it is?
q-project-country = In which country is the project (the country's name and ISO code, such as ID for Indonesia)?
q-project-sector = In which sector is the project (the sector's name and ISIC code, such as 3510 for electric power)?
q-project-stage = Is the project new, an expansion of an existing site, an existing site without material change, or is it not a project?
q-project-activities = What does the project include, for example a power plant, a road, a port, a mine or a dam (you may name more than one activity)?
q-project-technology = What technology does the plant use: steam, a gas turbine alone (single cycle), a gas turbine with a steam turbine (combined cycle), engines, or another technology?
q-project-fuel = What fuel does the plant use: coal, oil, natural gas, biomass, waste, no fuel, or another fuel?
q-project-capacity = How large is the project, in the unit that fits the activity (for example MWth, km or tonnes)?
q-project-capacity-thermal_mw = What is the heat input of the plant, in MWth?
q-project-capacity-electrical_mw = What is the electrical capacity of the plant, in MWe?
q-project-capacity-road_km = How long is the road, in kilometres?
q-project-capacity-road_lanes = How many lanes does the road have in total (a dual carriageway has four or more)?
q-project-capacity-runway_m = What is the basic length of the airport's runway, in metres?
q-project-capacity-vessel_tonnes = How large are the largest ships that can use the port or waterway, in tonnes?
q-project-capacity-storage_tonnes = How much oil, petrochemical or chemical product can be stored, in tonnes?
q-project-capacity-population_equivalent = What is the capacity of the wastewater treatment plant, in population equivalent (a whole number)?
q-project-capacity-reservoir_m3 = How much water can the reservoir hold, in cubic metres (m3)?
q-project-capacity-dam_height_m = How high is the dam, in metres?
q-project-capacity-groundwater_m3_per_year = How much groundwater will the project pump up each year, in cubic metres (m3)?
q-project-capacity-paper_adt_per_day = How much pulp, paper or board will the mill produce each day, in air-dried tonnes (ADt)?
q-project-capacity-tannery_tonnes_per_day = How many tonnes of finished product will the tannery make each day?
q-project-capacity-coal_gasification_tonnes_per_day = How many tonnes of coal (or bituminous shale) will the plant turn into gas or liquid each day?
q-project-capacity-asbestos_tonnes_per_year = How many tonnes of asbestos products will the plant make each year?
q-project-capacity-asbestos_product = What will the plant make with asbestos: asbestos cement, friction material (such as brake linings), or other products?
q-project-capacity-broiler_places = How many places for broilers (chickens kept for meat) will the farm have?
q-project-capacity-hen_places = How many places for laying hens will the farm have?
q-project-capacity-pig_places = How many places for production pigs (over 30 kg) will the farm have?
q-project-capacity-sow_places = How many places for sows will the farm have?
q-project-capacity-transmission_kv = What is the voltage of the power line, in kV?
q-project-capacity-line_km = How long is the overhead power line, in kilometres?
q-project-capacity-pipeline_km = How long is the pipeline, in kilometres?
q-project-capacity-pipeline_diameter_mm = What is the diameter of the pipeline, in millimetres?
q-project-location = Is the project in or near a sensitive area, such as a protected area, a World Heritage site or an area where Indigenous Peoples live?
q-project-location-protected_area = Is the project in or near a protected area (yes or no)?
q-project-location-key_biodiversity_area = Is the project in or near a Key Biodiversity Area, an area that is important for biodiversity (yes or no)?
q-project-location-ramsar_site = Is the project in or near a Ramsar site, a wetland protected under the Ramsar Convention (yes or no)?
q-project-location-biosphere_reserve = Is the project in or near a UNESCO biosphere reserve (yes or no)?
q-project-location-critical_habitat = Is the project in or near critical habitat: an area that is very important for threatened animals and plants (yes or no)?
q-project-location-natural_habitat = Is the project in or near natural habitat: an area where nature is still largely in its original state (yes or no)?
q-project-location-world_heritage_site = Is the project in or near a site on the UNESCO World Heritage List (yes or no)?
q-project-location-cultural_heritage = Is the project in or near cultural heritage, such as archaeological sites, monuments or sacred places (yes or no)?
q-project-location-indigenous_peoples_present = Do Indigenous Peoples live in or use the project area (yes or no)?
q-project-location-conflict_affected = Is the project in an area affected by armed conflict (yes or no)?
q-project-location-offshore = Is the project wholly or partly at sea, offshore (yes or no)?
q-project-destination_regime = Is the project's country under sanctions: none, an arms embargo, sanctions on certain sectors, or comprehensive sanctions?
q-project-human_rights_risk = Is the risk to human rights in this project normal or elevated, for example because of the country, the sector or the site?
q-project-land = Does the project need land? If so, how does it acquire the land, and do people have to move or lose land or income because of it?
q-project-land-acquisition = How does the project acquire land: no land is needed, by voluntary purchase or lease, by negotiation with expropriation as a last resort, or by expropriation?
q-project-land-involuntary_use_restrictions = Will people lose the use of land or natural resources against their will, such as fields, forest, fishing grounds or pasture (yes or no)?
q-project-land-physically_displaced_people = How many people have to move house because of the project (a number; 0 if no one)?
q-project-land-economically_displaced_people = How many people lose land, income or their means of living because of the project without having to move house (a number; 0 if no one)?
q-project-indigenous_peoples = Does the project affect Indigenous Peoples, and if so, how?
q-project-indigenous_peoples-relocation = Do Indigenous Peoples have to move away from their land because of the project (yes or no)?
q-project-indigenous_peoples-impacts_on_customary_land = Does the project affect land or natural resources that Indigenous Peoples traditionally own or use (yes or no)?
q-project-indigenous_peoples-critical_cultural_heritage = Does the project affect cultural heritage that is essential to the identity of Indigenous Peoples (yes or no)?
q-project-indigenous_peoples-commercial_use_of_cultural_heritage = Will the project use the cultural heritage of Indigenous Peoples, such as their knowledge or customs, for commercial purposes (yes or no)?
q-project-ghg_scope12_tco2e_per_year = How much CO2 and other greenhouse gases will the project emit each year (Scope 1 and 2), in tonnes of CO2 equivalent?
q-project-coal = Is the project related to coal-fired power? If so, what does it deliver for the plant?
q-project-coal-coal_fired_power = Does the project concern coal-fired power: a coal-fired power plant, or equipment or services for one (yes or no)?
q-project-coal-operational_ccus = Will the coal-fired plant have working carbon capture, utilisation and storage (CCUS) (yes or no)?
q-project-coal-ccus_retrofit = Does the project add carbon capture, utilisation and storage (CCUS) to an existing coal-fired plant (yes or no)?
q-project-coal-pollution_abatement_only = Is the equipment only meant to reduce pollution from an existing coal-fired plant, such as filters or flue gas cleaning (yes or no)?
q-project-coal-extends_plant_life = Will the project extend the life or increase the capacity of the coal-fired plant (yes or no)?
q-project-fossil_fuel_chain = Is the project part of the fossil energy sector: exploration, extraction, processing, storage or transport of fossil fuels, or power from fossil fuels (yes or no)?
q-project-fossil_exception = Do you claim an exception to the Dutch exclusion of the fossil energy sector? If so, which one: improving existing infrastructure, support services, a multipurpose port, or power in a low-income country with extreme energy poverty?
q-project-exclusion_list_activities = Does the project involve anything on the exclusion list, such as banned pesticides, weapons, forced labour, child labour, tobacco or gambling? If so, what?
q-project-security_forces = Who provides security for the project: no one, a private security company, or government security forces such as police or army?
q-project-workforce = How many people will work on the project?
q-project-workers_under_18 = Will young people under 18 work on the project (yes or no)?
q-project-collective_dismissals = Will the project lead to collective dismissals, where many workers lose their jobs at the same time (yes or no)?
q-project-worker_accommodation = Will workers live in housing that is provided by or for the project (yes or no)?
q-project-dams_or_tailings = Does the project have dams or storage facilities for mining waste (tailings) (yes or no)?
q-project-dams_in_high_risk_location = Are the dams or the tailings facilities in a high-risk location, for example where their failure would put people in danger (yes or no)?
q-project-significant_community_impacts = Will the project have significant negative impacts on local communities (yes or no)?
q-project-associated_facilities = Does the project depend on associated facilities: facilities that the project does not pay for but does need, such as a road, a power line or a port (yes or no)?
q-project-cumulative_impacts = Are there other projects or activities nearby that affect the same resources as this project, such as water, land or air (yes or no)?
q-project-critical_habitat_conditions_met = Can you show that the project in critical habitat meets every condition of IFC Performance Standard 6: no feasible alternative, no decline of the threatened species, net gains for biodiversity and long-term monitoring (yes or no)?
q-project-conversion_risk_sourcing = Will the project buy raw materials, such as crops, wood or fish, from regions where nature is at risk of being destroyed, for example cleared for farming (yes or no)?
q-project-benchmark_deviation = Does the project fall short on a relevant point of the benchmark standards, the standards the project must meet (yes or no)?
q-project-supply_chain = Which goods in the project's supply chain (such as cotton, cocoa or gold) come from which country?
q-project-supply_chain-good = Which good in the supply chain is it, such as cotton, cocoa or gold?
q-project-supply_chain-country = From which country does this good come (the country's name and ISO code, such as CI for Côte d'Ivoire)?

## mission

q-mission = Can you tell us about the trade mission: the destination country, the dates, and the products you take to the mission?
q-mission-destination = To which country does the trade mission go (the country's name and ISO code, such as VN for Vietnam)?
q-mission-start_date = On what date does the trade mission start (YYYY-MM-DD)?
q-mission-self_assessment_deadline = By what date must the RBC self-assessment (MVO-zelfscan) for this mission be completed (YYYY-MM-DD)?
q-mission-destination_regime = Is the destination country under sanctions: none, an arms embargo, sanctions on certain sectors, or comprehensive sanctions?
q-mission-voucher = Do you use a mission voucher for this trade mission (yes or no)?
q-mission-objectives_conflict = Do your company's goals, or its relationship with the government, conflict with the nature of the mission (yes or no)?
q-mission-products = Which products or services do you take to the mission, and in which sector are they?
q-mission-products-good = Which good is this product, such as coffee, cotton or gold?
q-mission-products-sector = In which sector is this product (the sector's name and ISIC code, such as 0127 for growing coffee, tea or cocoa)?

## other

q-reference = What is the reference of your application (1 to 64 letters, digits, dots, underscores or hyphens)?
q-instrument = What do you apply for: export credit insurance, project finance, or a place on a trade mission?
q-application_date = On what date did you submit the application (YYYY-MM-DD)?
q-documents = Which documents have you already delivered, such as an environmental and social impact assessment (ESIA) or an environmental and social management plan?
q-refusals = Is there information in this application that you will not give? If so, which information?
q-information_deadline = By what date can you send the missing information (YYYY-MM-DD)?
