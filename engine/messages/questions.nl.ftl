# De vragen in de brief aan de aanvrager, in het Nederlands: één vraag voor elk veld van het
# aanvraagcontract (docs/application.md), gesteld als een beslissing dat feit mist. Ze worden samen
# met nl.ftl als één catalogus gelezen. De termen volgen docs/glossary.md; het Engelse bestand
# questions.en.ftl stelt dezelfde vragen. Het id van een vraag is `q-` en het pad van het veld,
# met `.` als `-` en zonder `[]`: project.supply_chain[].good wordt q-project-supply_chain-good.
# Alleen gewone tekst, geen variabelen.

## applicant

q-applicant = Kunt u ons meer vertellen over uw bedrijf: de naam, het KvK-nummer en of het een mkb-bedrijf of een groot bedrijf is?
q-applicant-name = Wat is de officiële naam van uw bedrijf?
q-applicant-kvk_number = Wat is het KvK-nummer van uw bedrijf (8 cijfers) in het handelsregister van de Kamer van Koophandel? Of staat uw bedrijf daar niet ingeschreven?
q-applicant-size = Is uw bedrijf een mkb-bedrijf (midden- en kleinbedrijf) of een groot bedrijf?
q-applicant-oecd_guidelines_commitment = Heeft uw bedrijf verklaard dat het de OESO-richtlijnen voor multinationale ondernemingen onderschrijft? Is de verklaring ondertekend, nog niet ondertekend, of weigert u te tekenen?
q-applicant-anti_bribery_declaration = Heeft uw bedrijf de anti-omkopingsverklaring ondertekend? Is de verklaring ondertekend, nog niet ondertekend, of weigert u te tekenen?
q-applicant-due_diligence_policy = Heeft uw bedrijf een gepubliceerd beleid voor gepaste zorgvuldigheid (due diligence) over mensenrechten en maatschappelijk verantwoord ondernemen (ja of nee)?
q-applicant-sector_agreement = Doet uw bedrijf mee aan een IMVO-convenant, een afspraak over verantwoord ondernemen in uw sector? Zo ja, aan welk convenant?
q-applicant-transparency_benchmark_score = Wat is de score van uw bedrijf op de Transparantiebenchmark (een heel getal)? Of doet uw bedrijf niet mee aan de Transparantiebenchmark?
q-applicant-ncp_cases = Is er bij het Nationaal Contactpunt voor de OESO-richtlijnen (NCP) een melding gedaan over uw bedrijf? Zo ja, in welk jaar was dat en wat is de status van elke melding?
q-applicant-ncp_cases-year = In welk jaar is de melding over uw bedrijf bij het NCP gedaan?
q-applicant-ncp_cases-status = Wat is de status van de melding bij het NCP: loopt die nog, of is die afgerond met een akkoord, zonder akkoord, omdat uw bedrijf niet meewerkte, of met de conclusie dat de OESO-richtlijnen niet zijn nageleefd?
q-applicant-adverse_media = Is er negatieve informatie over uw bedrijf in de media verschenen, bijvoorbeeld over omkoping, mensenrechten of het milieu? Is er geen negatieve informatie, is die niet bevestigd, of is die betrouwbaar?
q-applicant-proven_bribery = Is bewezen dat uw bedrijf betrokken was bij omkoping, bijvoorbeeld door een veroordeling (ja of nee)?
q-applicant-financial_intermediary = Is uw bedrijf een financiële intermediair: een bank of fonds dat het geld doorleent aan of investeert in andere bedrijven of projecten (ja of nee)?
q-applicant-sanctions_screening = Staat uw bedrijf op een sanctielijst? Is de uitkomst van de controle nee, misschien (een mogelijke treffer) of ja (een bevestigde treffer)?
q-applicant-self_assessment_completed = Hebt u de MVO-zelfscan (de vragenlijst over verantwoord ondernemen) voor deze handelsmissie volledig ingevuld (ja of nee)?

## transaction

q-transaction = Kunt u ons meer vertellen over de transactie: de contractprijs, het bedrag waarvoor u steun vraagt, de looptijd van het krediet, wat u levert en aan welke afnemer?
q-transaction-contract_value = Wat is de contractprijs (bedrag en valuta)? Of wat is bij projectfinanciering het totale bedrag van de lening?
q-transaction-contract_value-amount = Wat is het bedrag van de contractprijs, in cijfers?
q-transaction-contract_value-currency = In welke valuta is de contractprijs (ISO-code, zoals EUR of USD)?
q-transaction-support_amount = Voor welk bedrag vraagt u steun: hoeveel wilt u laten verzekeren of financieren (bedrag en valuta)?
q-transaction-support_amount-amount = Welk bedrag wilt u laten verzekeren of financieren, in cijfers?
q-transaction-support_amount-currency = In welke valuta is het bedrag dat u wilt laten verzekeren of financieren (ISO-code, zoals EUR of USD)?
q-transaction-project_capital_cost = Wat zijn de totale investeringskosten van het project (bedrag en valuta)?
q-transaction-project_capital_cost-amount = Wat is het bedrag van de totale investeringskosten van het project, in cijfers?
q-transaction-project_capital_cost-currency = In welke valuta zijn de investeringskosten van het project (ISO-code, zoals EUR of USD)?
q-transaction-repayment_term_months = Wat is de looptijd van het krediet: in hoeveel maanden betaalt de afnemer het krediet terug?
q-transaction-goods = Wat levert u: kapitaalgoederen, diensten, reserveonderdelen, militaire goederen of landbouwgrondstoffen?
q-transaction-product = Welke vorm van steun vraagt u: een leverancierskrediet, een afnemerskrediet, projectfinanciering, een projectgebonden bedrijfslening, een overbruggingslening of een subsidie?
q-transaction-buyer_type = Is de afnemer een private partij of een overheid (een soevereine afnemer)?
q-transaction-expected_final_commitment = Op welke datum verwacht u de definitieve toezegging (het afgeven van de polis), of bij projectfinanciering de goedkeuring (JJJJ-MM-DD)?
q-transaction-disclosure_date = Op welke datum is de informatie over het project openbaar gemaakt, of wordt die openbaar gemaakt (JJJJ-MM-DD)?
q-transaction-agent_involved = Werkt u bij deze transactie met een agent: een tussenpersoon die u betaalt om te helpen het contract te krijgen (ja of nee)?
q-transaction-agent_fees_disclosed = Hebt u opgegeven wie de agent is en welke vergoeding u hem betaalt (ja of nee)?
q-transaction-buyer_sanctions_screening = Staat de afnemer op een sanctielijst? Is de uitkomst van de controle nee, misschien (een mogelijke treffer) of ja (een bevestigde treffer)?
q-transaction-end_user_sanctions_screening = Staat de eindgebruiker van de goederen op een sanctielijst? Is de uitkomst van de controle nee, misschien (een mogelijke treffer) of ja (een bevestigde treffer)?
q-transaction-ifc_performance_standards = Past de steunregeling voor dit project de IFC Performance Standards toe, de milieu- en sociale normen van de IFC (Wereldbankgroep) (ja of nee)?
q-transaction-equator_principles_cofinancier = Financiert een bank of andere financiële instelling mee die de Equator Principles toepast (ja of nee)?
q-transaction-epfi_commitment = Voor welk bedrag financiert de medefinancier die de Equator Principles toepast zelf mee (bedrag en valuta)?
q-transaction-epfi_commitment-amount = Voor welk bedrag financiert de medefinancier die de Equator Principles toepast zelf mee, in cijfers?
q-transaction-epfi_commitment-currency = In welke valuta is het bedrag van de medefinancier die de Equator Principles toepast (ISO-code, zoals EUR of USD)?

## project

q-project = Kunt u ons meer vertellen over het project: het land, de sector, wat er gebouwd of gedaan wordt en hoe groot het is?
q-project-country = In welk land is het project (de naam van het land en de ISO-code, zoals ID voor Indonesië)?
q-project-sector = In welke sector valt het project (de naam van de sector en de ISIC-code, zoals 3510 voor elektriciteit)?
q-project-stage = Is het project nieuw, een uitbreiding van een bestaande locatie, een bestaande locatie zonder grote veranderingen, of is het geen project?
q-project-activities = Wat omvat het project, bijvoorbeeld een elektriciteitscentrale, een weg, een haven, een mijn of een dam (u kunt meer dan één activiteit noemen)?
q-project-technology = Welke techniek gebruikt de centrale: stoom, alleen een gasturbine (single cycle), een gasturbine met een stoomturbine (combined cycle), motoren, of een andere techniek?
q-project-fuel = Welke brandstof gebruikt de centrale: kolen, olie, aardgas, biomassa, afval, geen brandstof of een andere brandstof?
q-project-capacity = Hoe groot is het project, in de eenheid die past bij de activiteit (bijvoorbeeld MWth, km of ton)?
q-project-capacity-thermal_mw = Wat is het thermisch vermogen van de centrale, in MWth?
q-project-capacity-electrical_mw = Wat is het elektrisch vermogen van de centrale, in MWe?
q-project-capacity-road_km = Hoe lang is de weg, in kilometers?
q-project-capacity-road_lanes = Hoeveel rijstroken heeft de weg in totaal (een weg met gescheiden rijbanen heeft er vier of meer)?
q-project-capacity-runway_m = Wat is de basislengte van de startbaan van het vliegveld, in meters?
q-project-capacity-vessel_tonnes = Hoe groot zijn de grootste schepen die de haven of vaarweg kunnen gebruiken, in ton?
q-project-capacity-storage_tonnes = Hoeveel olie, petrochemische of chemische producten kunnen er worden opgeslagen, in ton?
q-project-capacity-population_equivalent = Wat is de capaciteit van de afvalwaterzuivering, in inwonerequivalenten (een heel getal)?
q-project-capacity-reservoir_m3 = Hoeveel water kan het stuwmeer of reservoir bevatten, in kubieke meter (m3)?
q-project-capacity-dam_height_m = Hoe hoog is de dam, in meters?
q-project-capacity-groundwater_m3_per_year = Hoeveel grondwater pompt het project per jaar op, in kubieke meter (m3)?
q-project-capacity-paper_adt_per_day = Hoeveel pulp, papier of karton produceert de fabriek per dag, in ton luchtdroge stof (ADt)?
q-project-capacity-tannery_tonnes_per_day = Hoeveel ton eindproduct maakt de leerlooierij per dag?
q-project-capacity-coal_gasification_tonnes_per_day = Hoeveel ton kolen (of bitumineuze schalie) zet de installatie per dag om in gas of vloeistof?
q-project-capacity-asbestos_tonnes_per_year = Hoeveel ton asbestproducten maakt de fabriek per jaar?
q-project-capacity-asbestos_product = Wat maakt de fabriek met asbest: asbestcement, frictiemateriaal (zoals remvoeringen) of andere producten?
q-project-capacity-broiler_places = Hoeveel plaatsen voor vleeskuikens krijgt het bedrijf?
q-project-capacity-hen_places = Hoeveel plaatsen voor legkippen krijgt het bedrijf?
q-project-capacity-pig_places = Hoeveel plaatsen voor vleesvarkens (zwaarder dan 30 kg) krijgt het bedrijf?
q-project-capacity-sow_places = Hoeveel plaatsen voor zeugen krijgt het bedrijf?
q-project-capacity-transmission_kv = Wat is de spanning van de hoogspanningslijn, in kV?
q-project-capacity-line_km = Hoe lang is de bovengrondse hoogspanningslijn, in kilometers?
q-project-capacity-pipeline_km = Hoe lang is de pijpleiding, in kilometers?
q-project-capacity-pipeline_diameter_mm = Wat is de diameter van de pijpleiding, in millimeters?
q-project-location = Ligt het project in of bij een gevoelig gebied, zoals een beschermd gebied, werelderfgoed of een gebied waar inheemse volkeren wonen?
q-project-location-protected_area = Ligt het project in of bij een beschermd gebied (ja of nee)?
q-project-location-key_biodiversity_area = Ligt het project in of bij een Key Biodiversity Area, een gebied dat belangrijk is voor de biodiversiteit (ja of nee)?
q-project-location-ramsar_site = Ligt het project in of bij een Ramsar-gebied, een waterrijk gebied dat beschermd is onder het Ramsar-verdrag (ja of nee)?
q-project-location-biosphere_reserve = Ligt het project in of bij een biosfeerreservaat van UNESCO (ja of nee)?
q-project-location-critical_habitat = Ligt het project in of bij een kritieke habitat: een gebied dat heel belangrijk is voor bedreigde dieren en planten (ja of nee)?
q-project-location-natural_habitat = Ligt het project in of bij een natuurlijke habitat: een gebied waar de natuur nog grotendeels in de oorspronkelijke staat is (ja of nee)?
q-project-location-world_heritage_site = Ligt het project in of bij een plek op de Werelderfgoedlijst van UNESCO (ja of nee)?
q-project-location-cultural_heritage = Ligt het project in of bij cultureel erfgoed, zoals archeologische vindplaatsen, monumenten of heilige plaatsen (ja of nee)?
q-project-location-indigenous_peoples_present = Wonen inheemse volkeren in het projectgebied, of gebruiken zij het gebied (ja of nee)?
q-project-location-conflict_affected = Ligt het project in een gebied dat getroffen is door een gewapend conflict (ja of nee)?
q-project-location-offshore = Ligt het project helemaal of gedeeltelijk op zee (ja of nee)?
q-project-destination_regime = Gelden er sancties voor het land van het project: geen, een wapenembargo, sancties voor bepaalde sectoren, of sancties op bijna alle handel?
q-project-human_rights_risk = Is er bij dit project een normaal of een verhoogd risico op het vlak van mensenrechten, bijvoorbeeld door het land, de sector of de plek van het project?
q-project-land = Heeft het project grond nodig? Zo ja, hoe komt het project aan die grond, en moeten mensen daardoor verhuizen of verliezen zij land of inkomen?
q-project-land-acquisition = Hoe verloopt de grondverwerving voor het project: er is geen grond nodig, vrijwillige koop of huur, onderhandeling met onteigening als laatste middel, of onteigening?
q-project-land-involuntary_use_restrictions = Verliezen mensen tegen hun wil het gebruik van land of natuurlijke hulpbronnen, zoals akkers, bos, visgronden of weidegrond (ja of nee)?
q-project-land-physically_displaced_people = Hoeveel mensen moeten door het project verhuizen (een aantal; 0 als niemand hoeft te verhuizen)?
q-project-land-economically_displaced_people = Hoeveel mensen verliezen door het project hun land, inkomen of middelen van bestaan, zonder dat zij hoeven te verhuizen (een aantal; 0 als dat niemand is)?
q-project-indigenous_peoples = Heeft het project gevolgen voor inheemse volkeren? Zo ja, welke?
q-project-indigenous_peoples-relocation = Moeten inheemse volkeren door het project verhuizen van hun land (ja of nee)?
q-project-indigenous_peoples-impacts_on_customary_land = Heeft het project gevolgen voor land of natuurlijke hulpbronnen die inheemse volkeren traditioneel bezitten of gebruiken (ja of nee)?
q-project-indigenous_peoples-critical_cultural_heritage = Heeft het project gevolgen voor cultureel erfgoed dat heel belangrijk is voor de identiteit van inheemse volkeren (ja of nee)?
q-project-indigenous_peoples-commercial_use_of_cultural_heritage = Gebruikt het project het cultureel erfgoed van inheemse volkeren, zoals hun kennis of gebruiken, voor commerciële doelen (ja of nee)?
q-project-ghg_scope12_tco2e_per_year = Hoeveel CO2 en andere broeikasgassen stoot het project per jaar uit (scope 1 en 2), in ton CO2-equivalent?
q-project-coal = Heeft het project te maken met elektriciteit uit kolen? Zo ja, wat levert het project voor de kolencentrale?
q-project-coal-coal_fired_power = Gaat het project over elektriciteit uit kolen: een kolencentrale, of apparatuur of diensten voor een kolencentrale (ja of nee)?
q-project-coal-operational_ccus = Krijgt de kolencentrale een werkende installatie die CO2 afvangt en opslaat of gebruikt (CCUS) (ja of nee)?
q-project-coal-ccus_retrofit = Voegt het project een installatie die CO2 afvangt en opslaat of gebruikt (CCUS) toe aan een bestaande kolencentrale (ja of nee)?
q-project-coal-pollution_abatement_only = Is de apparatuur alleen bedoeld om de vervuiling door een bestaande kolencentrale te verminderen, zoals filters of rookgasreiniging (ja of nee)?
q-project-coal-extends_plant_life = Verlengt het project de levensduur of vergroot het de capaciteit van de kolencentrale (ja of nee)?
q-project-fossil_fuel_chain = Hoort het project bij de fossiele energiesector: exploratie en winning, verwerking, op- en overslag of vervoer van fossiele brandstoffen, of elektriciteit uit fossiele brandstoffen (ja of nee)?
q-project-fossil_exception = Doet u een beroep op een uitzondering op de Nederlandse uitsluiting van de fossiele energiesector? Zo ja, welke: verbetering van bestaande infrastructuur, ondersteunende diensten, een haven voor meerdere doelen, of elektriciteit in een land met lage inkomens en extreme energiearmoede?
q-project-exclusion_list_activities = Doet het project iets dat op de uitsluitingslijst staat, zoals verboden bestrijdingsmiddelen, wapens, dwangarbeid, kinderarbeid, tabak of gokken? Zo ja, wat?
q-project-security_forces = Wie zorgt voor de beveiliging van het project: niemand, een particulier beveiligingsbedrijf, of publieke veiligheidsdiensten zoals politie of leger?
q-project-workforce = Hoeveel mensen gaan er aan het project werken?
q-project-workers_under_18 = Gaan er jongeren onder 18 jaar aan het project werken (ja of nee)?
q-project-collective_dismissals = Leidt het project tot collectief ontslag, waarbij veel werknemers tegelijk hun baan verliezen (ja of nee)?
q-project-worker_accommodation = Gaan werknemers wonen in huisvesting die door of voor het project wordt geregeld (ja of nee)?
q-project-dams_or_tailings = Heeft het project dammen of opslagplaatsen voor mijnafval (tailings) (ja of nee)?
q-project-dams_in_high_risk_location = Liggen de dammen of de opslagplaatsen voor mijnafval op een plek met een hoog risico, bijvoorbeeld waar mensen in gevaar komen als ze bezwijken (ja of nee)?
q-project-significant_community_impacts = Heeft het project grote negatieve gevolgen voor lokale gemeenschappen (ja of nee)?
q-project-associated_facilities = Is het project afhankelijk van bijbehorende voorzieningen: voorzieningen die het project niet betaalt maar wel nodig heeft, zoals een weg, een hoogspanningslijn of een haven (ja of nee)?
q-project-cumulative_impacts = Zijn er andere projecten of activiteiten in de buurt die gevolgen hebben voor dezelfde hulpbronnen als dit project, zoals water, land of lucht (ja of nee)?
q-project-critical_habitat_conditions_met = Kunt u aantonen dat het project in de kritieke habitat voldoet aan alle voorwaarden van IFC Performance Standard 6: geen haalbaar alternatief, geen achteruitgang van de bedreigde soorten, winst voor de biodiversiteit en toezicht op lange termijn (ja of nee)?
q-project-conversion_risk_sourcing = Koopt het project grondstoffen, zoals landbouwproducten, hout of vis, uit gebieden waar de natuur dreigt te verdwijnen, bijvoorbeeld door ontbossing voor landbouw (ja of nee)?
q-project-benchmark_deviation = Wijkt het project op een belangrijk punt af van de referentienormen, de normen waaraan het project moet voldoen (ja of nee)?
q-project-supply_chain = Welke goederen in de toeleveringsketen van het project (zoals katoen, cacao of goud) komen uit welk land?
q-project-supply_chain-good = Om welk goed in de toeleveringsketen gaat het, zoals katoen, cacao of goud?
q-project-supply_chain-country = Uit welk land komt dit goed (de naam van het land en de ISO-code, zoals CI voor Ivoorkust)?

## mission

q-mission = Kunt u ons meer vertellen over de handelsmissie: het land van bestemming, de data en de producten waarmee u meegaat?
q-mission-destination = Naar welk land gaat de handelsmissie (de naam van het land en de ISO-code, zoals VN voor Vietnam)?
q-mission-start_date = Op welke datum begint de handelsmissie (JJJJ-MM-DD)?
q-mission-self_assessment_deadline = Wat is de uiterste datum om de MVO-zelfscan voor deze missie in te vullen (JJJJ-MM-DD)?
q-mission-destination_regime = Gelden er sancties voor het land van bestemming: geen, een wapenembargo, sancties voor bepaalde sectoren, of sancties op bijna alle handel?
q-mission-voucher = Gebruikt u een missievoucher voor deze handelsmissie (ja of nee)?
q-mission-objectives_conflict = Botsen de doelen van uw bedrijf, of de band van uw bedrijf met de overheid, met de aard van de missie (ja of nee)?
q-mission-products = Met welke producten of diensten gaat u mee op de missie, en in welke sector vallen ze?
q-mission-products-good = Om welk goed gaat het bij dit product, zoals koffie, katoen of goud?
q-mission-products-sector = In welke sector valt dit product (de naam van de sector en de ISIC-code, zoals 0127 voor de teelt van koffie, thee of cacao)?

## other

q-reference = Wat is het kenmerk van uw aanvraag (1 tot 64 letters, cijfers, punten, liggende streepjes of koppeltekens)?
q-instrument = Wat vraagt u aan: een exportkredietverzekering, projectfinanciering, of een plaats in een handelsmissie?
q-application_date = Op welke datum hebt u de aanvraag ingediend (JJJJ-MM-DD)?
q-documents = Welke documenten hebt u al geleverd, zoals een milieu- en sociale effectrapportage of een milieu- en sociaal managementplan?
q-refusals = Is er informatie in deze aanvraag die u niet wilt geven? Zo ja, welke informatie?
q-information_deadline = Op welke datum kunt u de ontbrekende informatie uiterlijk sturen (JJJJ-MM-DD)?
