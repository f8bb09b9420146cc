# The values of the contract's closed vocabularies as words, in English: a short noun phrase
# that fits inside a sentence ("military goods are excluded"). Ids are term-<vocabulary>-<value>
# (engine/src/application/vocab.rs); terms.nl.ftl has the same ids. Lower case, no full stop.

## size

term-size-sme = small or medium-sized enterprise (SME)
term-size-large = large enterprise

## declaration

term-declaration-signed = signed
term-declaration-pending = not yet signed
term-declaration-refused = refused

## ncp_status

term-ncp_status-pending = pending
term-ncp_status-concluded_agreement = concluded with an agreement
term-ncp_status-concluded_no_agreement = concluded without an agreement
term-ncp_status-concluded_non_cooperation = concluded without the company's cooperation
term-ncp_status-concluded_non_observance = concluded with a finding that the OECD Guidelines were not observed

## adverse_media

term-adverse_media-none = no adverse media
term-adverse_media-unconfirmed = unconfirmed adverse media
term-adverse_media-credible = credible adverse media

## sanctions_screening

term-sanctions_screening-no_match = no match on a sanctions list
term-sanctions_screening-possible_match = possible match on a sanctions list
term-sanctions_screening-confirmed_match = confirmed match on a sanctions list

## goods

term-goods-capital_goods = capital goods or services
term-goods-services = services
term-goods-spare_parts = spare parts
term-goods-military = military goods
term-goods-agricultural_commodities = agricultural commodities

## product

term-product-supplier_credit = supplier credit
term-product-buyer_credit = buyer credit
term-product-project_finance = project finance
term-product-project_related_corporate_loan = project-related corporate loan
term-product-bridge_loan = bridge loan
term-product-grant = grant

## buyer_type

term-buyer_type-private = private buyer
term-buyer_type-sovereign = sovereign buyer

## stage

term-stage-new = new project
term-stage-expansion = expansion of an existing operation
term-stage-existing_no_material_change = existing operation without material change
term-stage-not_a_project = transaction not linked to a project

## activity

term-activity-crude_oil_refinery = crude oil refinery
term-activity-coal_gasification = coal gasification plant
term-activity-thermal_power = thermal power plant
term-activity-nuclear_power = nuclear power plant
term-activity-nuclear_fuel = nuclear fuel or radioactive waste installation
term-activity-integrated_steel = integrated iron and steel works
term-activity-non_ferrous_smelting = non-ferrous metal smelter
term-activity-asbestos = asbestos extraction or processing
term-activity-integrated_chemicals = integrated chemical installation
term-activity-motorway = motorway
term-activity-express_road = express road
term-activity-long_distance_railway = long-distance railway line
term-activity-airport = airport
term-activity-road = road
term-activity-large_pipeline = large pipeline for gas, oil or chemicals
term-activity-sea_port = sea port
term-activity-inland_waterway = inland waterway
term-activity-hazardous_waste_disposal = hazardous waste treatment or disposal facility
term-activity-large_dam = large dam or reservoir
term-activity-groundwater_abstraction = groundwater abstraction
term-activity-pulp_paper = pulp and paper mill
term-activity-mining = mining
term-activity-peat_extraction = peat extraction
term-activity-quarry = quarry
term-activity-oil_gas_extraction = oil and gas extraction
term-activity-oil_chemical_storage = storage of petroleum or chemical products
term-activity-large_scale_logging = large-scale logging
term-activity-wastewater_treatment = wastewater treatment plant
term-activity-municipal_solid_waste = municipal solid waste processing or disposal facility
term-activity-tourism_retail_development = large-scale tourism or retail development
term-activity-high_voltage_power_line = high-voltage overhead power line
term-activity-land_reclamation = land reclamation
term-activity-large_scale_agriculture = large-scale agriculture
term-activity-tannery = tannery
term-activity-intensive_livestock = intensive livestock farming
term-activity-aquaculture = aquaculture
term-activity-offshore_wind = offshore wind farm
term-activity-onshore_wind = onshore wind farm
term-activity-solar = solar power plant
term-activity-hydropower = hydropower plant
term-activity-lng = LNG terminal or plant
term-activity-urban_rail = urban rail line
term-activity-substation = electrical substation
term-activity-hospital = hospital
term-activity-school = school
term-activity-water_supply = water supply system
term-activity-irrigation = irrigation system
term-activity-telecom = telecommunications network
term-activity-manufacturing = manufacturing plant
term-activity-other = other activity

## technology

term-technology-steam = steam turbine
term-technology-single_cycle_gas_turbine = single-cycle gas turbine
term-technology-combined_cycle = combined-cycle gas turbine
term-technology-engine = reciprocating engine
term-technology-other = other technology

## fuel

term-fuel-coal = coal
term-fuel-oil = oil
term-fuel-natural_gas = natural gas
term-fuel-biomass = biomass
term-fuel-waste = waste
term-fuel-none = no fuel
term-fuel-other = other fuel

## asbestos_product

term-asbestos_product-cement = asbestos cement
term-asbestos_product-friction_material = friction material
term-asbestos_product-other = other asbestos products

## destination_regime

term-destination_regime-none = no sanctions regime
term-destination_regime-arms_embargo = arms embargo
term-destination_regime-sectoral = sectoral sanctions
term-destination_regime-comprehensive = comprehensive sanctions

## human_rights_risk

term-human_rights_risk-normal = normal human rights risk
term-human_rights_risk-elevated = elevated human rights risk

## land_acquisition

term-land_acquisition-none = no land acquisition
term-land_acquisition-voluntary = voluntary land acquisition
term-land_acquisition-negotiated_with_expropriation_fallback = negotiated land acquisition with expropriation as a fallback
term-land_acquisition-expropriation = expropriation

## fossil_exception

term-fossil_exception-none = no exception
term-fossil_exception-existing_infrastructure_improvement = improvement of existing fossil infrastructure without extending its life
term-fossil_exception-support_services = support services
term-fossil_exception-multipurpose_port = multipurpose port
term-fossil_exception-energy_poverty_power = power generation in a low-income country with extreme energy poverty

## exclusion_list_activity

term-exclusion_list_activity-who_class_i_pesticides = pesticides of WHO class Ia or Ib
term-exclusion_list_activity-ozone_depleting_substances = ozone-depleting substances
term-exclusion_list_activity-cites_wildlife_trade = trade in wildlife protected under CITES
term-exclusion_list_activity-unbonded_asbestos = unbonded asbestos fibres
term-exclusion_list_activity-driftnet_fishing = drift-net fishing
term-exclusion_list_activity-radioactive_materials = radioactive materials
term-exclusion_list_activity-weapons_munitions = weapons and munitions
term-exclusion_list_activity-forced_labour = forced labour
term-exclusion_list_activity-child_labour = child labour
term-exclusion_list_activity-persistent_organic_pollutants = persistent organic pollutants (POPs)
term-exclusion_list_activity-hazardous_waste_trade = trade in hazardous waste
term-exclusion_list_activity-illegal_under_host_law = activity illegal under host-country law
term-exclusion_list_activity-prostitution = prostitution
term-exclusion_list_activity-gambling = gambling
term-exclusion_list_activity-tobacco = tobacco
term-exclusion_list_activity-pornography = pornography

## security_forces

term-security_forces-none = no security personnel
term-security_forces-private = private security company
term-security_forces-government = government security forces
