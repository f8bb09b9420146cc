# De waarden van de gesloten woordenlijsten van het contract als woorden, in het Nederlands
# (taalniveau B1): een kort zinsdeel dat midden in een zin past ("militaire goederen zijn
# uitgesloten"). Ids zijn term-<woordenlijst>-<waarde> (engine/src/application/vocab.rs), dezelfde
# als in terms.en.ftl. Kleine letters, geen punt. De termen volgen docs/glossary.md.

## size

term-size-sme = klein of middelgroot bedrijf (mkb)
term-size-large = groot bedrijf

## declaration

term-declaration-signed = ondertekend
term-declaration-pending = nog niet ondertekend
term-declaration-refused = geweigerd

## ncp_status

term-ncp_status-pending = in behandeling
term-ncp_status-concluded_agreement = afgerond met een akkoord
term-ncp_status-concluded_no_agreement = afgerond zonder akkoord
term-ncp_status-concluded_non_cooperation = afgerond zonder medewerking van het bedrijf
term-ncp_status-concluded_non_observance = afgerond met de conclusie dat de OESO-richtlijnen niet zijn nageleefd

## adverse_media

term-adverse_media-none = geen negatieve informatie
term-adverse_media-unconfirmed = negatieve informatie die niet bevestigd is
term-adverse_media-credible = betrouwbare negatieve informatie

## sanctions_screening

term-sanctions_screening-no_match = geen treffer op een sanctielijst
term-sanctions_screening-possible_match = mogelijke treffer op een sanctielijst
term-sanctions_screening-confirmed_match = bevestigde treffer op een sanctielijst

## goods

term-goods-capital_goods = kapitaalgoederen of diensten
term-goods-services = diensten
term-goods-spare_parts = reserveonderdelen
term-goods-military = militaire goederen
term-goods-agricultural_commodities = landbouwproducten

## product

term-product-supplier_credit = leverancierskrediet
term-product-buyer_credit = afnemerskrediet
term-product-project_finance = projectfinanciering
term-product-project_related_corporate_loan = projectgebonden lening aan een bedrijf
term-product-bridge_loan = overbruggingslening
term-product-grant = subsidie

## buyer_type

term-buyer_type-private = private afnemer
term-buyer_type-sovereign = overheid als afnemer

## stage

term-stage-new = nieuw project
term-stage-expansion = uitbreiding van een bestaande activiteit
term-stage-existing_no_material_change = bestaande activiteit zonder wezenlijke verandering
term-stage-not_a_project = transactie die niet bij een project hoort

## activity

term-activity-crude_oil_refinery = raffinaderij voor ruwe olie
term-activity-coal_gasification = installatie voor kolenvergassing
term-activity-thermal_power = thermische elektriciteitscentrale
term-activity-nuclear_power = kerncentrale
term-activity-nuclear_fuel = installatie voor kernbrandstof of radioactief afval
term-activity-integrated_steel = geïntegreerde fabriek voor ijzer en staal
term-activity-non_ferrous_smelting = smelterij voor non-ferrometalen
term-activity-asbestos = winning of verwerking van asbest
term-activity-integrated_chemicals = geïntegreerde chemische installatie
term-activity-motorway = autosnelweg
term-activity-express_road = autoweg
term-activity-long_distance_railway = spoorlijn voor lange afstanden
term-activity-airport = luchthaven
term-activity-road = weg
term-activity-large_pipeline = grote pijpleiding voor gas, olie of chemicaliën
term-activity-sea_port = zeehaven
term-activity-inland_waterway = binnenvaartweg
term-activity-hazardous_waste_disposal = installatie voor verwerken of storten van gevaarlijk afval
term-activity-large_dam = grote dam of stuwmeer
term-activity-groundwater_abstraction = oppompen van grondwater
term-activity-pulp_paper = pulp- en papierfabriek
term-activity-mining = mijnbouw
term-activity-peat_extraction = turfwinning
term-activity-quarry = steengroeve
term-activity-oil_gas_extraction = winning van aardolie en aardgas
term-activity-oil_chemical_storage = opslag van aardolie of chemische producten
term-activity-large_scale_logging = houtkap op grote schaal
term-activity-wastewater_treatment = zuiveringsinstallatie voor afvalwater
term-activity-municipal_solid_waste = installatie voor verwerken of storten van huishoudelijk afval
term-activity-tourism_retail_development = bouw voor toerisme of detailhandel op grote schaal
term-activity-high_voltage_power_line = bovengrondse hoogspanningslijn
term-activity-land_reclamation = landaanwinning
term-activity-large_scale_agriculture = landbouw op grote schaal
term-activity-tannery = leerlooierij
term-activity-intensive_livestock = intensieve veehouderij
term-activity-aquaculture = kweek van vis of schaaldieren (aquacultuur)
term-activity-offshore_wind = windpark op zee
term-activity-onshore_wind = windpark op land
term-activity-solar = zonnepark
term-activity-hydropower = waterkrachtcentrale
term-activity-lng = LNG-terminal of LNG-fabriek
term-activity-urban_rail = metro- of tramlijn
term-activity-substation = transformatorstation
term-activity-hospital = ziekenhuis
term-activity-school = school
term-activity-water_supply = watervoorziening
term-activity-irrigation = irrigatiesysteem
term-activity-telecom = telecommunicatienetwerk
term-activity-manufacturing = fabriek
term-activity-other = andere activiteit

## technology

term-technology-steam = stoomturbine
term-technology-single_cycle_gas_turbine = enkelvoudige gasturbine
term-technology-combined_cycle = stoom- en gasturbine (STEG)
term-technology-engine = zuigermotor
term-technology-other = andere techniek

## fuel

term-fuel-coal = kolen
term-fuel-oil = olie
term-fuel-natural_gas = aardgas
term-fuel-biomass = biomassa
term-fuel-waste = afval
term-fuel-none = geen brandstof
term-fuel-other = andere brandstof

## asbestos_product

term-asbestos_product-cement = asbestcement
term-asbestos_product-friction_material = frictiemateriaal, zoals remvoeringen
term-asbestos_product-other = andere asbestproducten

## destination_regime

term-destination_regime-none = geen sancties
term-destination_regime-arms_embargo = wapenembargo
term-destination_regime-sectoral = sancties tegen bepaalde sectoren
term-destination_regime-comprehensive = sancties tegen het hele land

## human_rights_risk

term-human_rights_risk-normal = normaal risico op het vlak van mensenrechten
term-human_rights_risk-elevated = verhoogd risico op het vlak van mensenrechten

## land_acquisition

term-land_acquisition-none = geen grondverwerving
term-land_acquisition-voluntary = vrijwillige grondverwerving
term-land_acquisition-negotiated_with_expropriation_fallback = grondverwerving door onderhandelen, met onteigening als dat niet lukt
term-land_acquisition-expropriation = onteigening

## fossil_exception

term-fossil_exception-none = geen uitzondering
term-fossil_exception-existing_infrastructure_improvement = verbetering van bestaande fossiele infrastructuur, zonder dat die langer meegaat
term-fossil_exception-support_services = ondersteunende diensten
term-fossil_exception-multipurpose_port = haven voor verschillende soorten lading (multifunctionele haven)
term-fossil_exception-energy_poverty_power = elektriciteit in een land met lage inkomens en extreme energiearmoede

## exclusion_list_activity

term-exclusion_list_activity-who_class_i_pesticides = zeer giftige bestrijdingsmiddelen (WHO-klasse Ia of Ib)
term-exclusion_list_activity-ozone_depleting_substances = stoffen die de ozonlaag aantasten
term-exclusion_list_activity-cites_wildlife_trade = handel in beschermde dieren en planten (CITES)
term-exclusion_list_activity-unbonded_asbestos = losse asbestvezels (niet-hechtgebonden asbest)
term-exclusion_list_activity-driftnet_fishing = vissen met drijfnetten
term-exclusion_list_activity-radioactive_materials = radioactieve stoffen
term-exclusion_list_activity-weapons_munitions = wapens en munitie
term-exclusion_list_activity-forced_labour = dwangarbeid
term-exclusion_list_activity-child_labour = kinderarbeid
term-exclusion_list_activity-persistent_organic_pollutants = schadelijke stoffen die lang in het milieu blijven (POP's)
term-exclusion_list_activity-hazardous_waste_trade = handel in gevaarlijk afval
term-exclusion_list_activity-illegal_under_host_law = activiteit die verboden is in het gastland
term-exclusion_list_activity-prostitution = prostitutie
term-exclusion_list_activity-gambling = gokken
term-exclusion_list_activity-tobacco = tabak
term-exclusion_list_activity-pornography = pornografie

## security_forces

term-security_forces-none = geen beveiliging
term-security_forces-private = particulier beveiligingsbedrijf
term-security_forces-government = veiligheidstroepen van de overheid
