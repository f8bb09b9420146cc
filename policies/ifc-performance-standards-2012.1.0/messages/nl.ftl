# ifc-performance-standards 2012.1.0: de uitleg bij de regels van de IFC Performance Standards, in het Nederlands.
# Elk bericht wordt gebruikt door ps.rhai; de termen volgen docs/glossary.md.

## R-PS-01: PS1, managementsysteem, betrokkenheid en klachtenmechanisme

ps-ps1-trigger = Categorie { $category }: PS1 geldt voor elk project met milieu- of sociale risico's
ps-ps1-esms = PS1: een milieu- en sociaal managementsysteem dat past bij de risico's
ps-ps1-sep = PS1: een plan voor betrokkenheid van belanghebbenden
ps-ps1-grievance = PS1: een klachtenmechanisme voor getroffen gemeenschappen
ps-ps1-icp = PS1: het project heeft grote nadelige gevolgen voor gemeenschappen. Daarom is geïnformeerde consultatie en participatie nodig
ps-ps1-icp-needed = bij grote nadelige gevolgen voor gemeenschappen is geïnformeerde consultatie en participatie nodig

## R-PS-02: een volledige ESIA met alternatieven

ps-esia = een project ({ $stage }) met mogelijk grote gevolgen (categorie A): een volledige milieu- en sociale effectrapportage (ESIA), met een analyse van alternatieven

## R-PS-03: bijbehorende voorzieningen en cumulatieve effecten

ps-associated = bijbehorende voorzieningen (niet betaald door het project, maar wel nodig ervoor) horen bij het invloedsgebied. De beoordeling gaat ook over die voorzieningen
ps-associated-unknown = de beoordeling moet vaststellen of het project afhangt van bijbehorende voorzieningen. Die horen bij het invloedsgebied
ps-cumulative = andere projecten gebruiken dezelfde hulpbronnen: de cumulatieve effecten worden beoordeeld
ps-cumulative-needed = als andere projecten effecten hebben, worden de cumulatieve effecten beoordeeld

## R-PS-04: PS2, arbeid en arbeidsomstandigheden

ps-ps2-dismissals = collectief ontslag
ps-ps2-dismissals-plan = collectief ontslag: een plan voor collectief ontslag
ps-ps2-accommodation = huisvesting van werknemers
ps-ps2-accommodation-plan = huisvesting van werknemers: huisvesting die voldoet aan de normen van PS2
ps-ps2-under-18 = werknemers jonger dan 18
ps-ps2-under-18-plan = werknemers jonger dan 18: geen gevaarlijk werk, en een risicobeoordeling
ps-ps2-workforce = { $workforce } werknemers
ps-ps2-trigger = arbeid en arbeidsomstandigheden: { $found }
ps-ps2-workforce-needed = PS2 geldt voor de werknemers van het project
ps-ps2-require = PS2: { $plan }
ps-ps2-fact-needed = elk gegeven over werknemers onder PS2 bepaalt of een plan nodig is

## R-PS-05: PS3, broeikasgassen en bestrijdingsmiddelen

ps-ps3-ghg-trigger = uitstoot (scope 1 en 2) van { $ghg } ton CO2e per jaar, meer dan { $threshold }
ps-ps3-pesticides = bestrijdingsmiddelen van WHO-klasse Ia of Ib
ps-ps3-pesticides-decline = PS3 par. 17: geen productie, handel of gebruik van bestrijdingsmiddelen van WHO-klasse Ia of Ib
ps-ps3-ghg-require = PS3: de uitstoot (scope 1 en 2) van { $ghg } ton CO2e per jaar wordt elk jaar berekend
ps-ps3-ghg-needed = PS3 vraagt boven 25.000 ton CO2e per jaar om een jaarlijkse berekening van de uitstoot van broeikasgassen

## R-PS-06: PS4, gezondheid, veiligheid en beveiliging van gemeenschappen

ps-ps4-dams = dammen, dammen voor mijnafval of asbekkens
ps-ps4-security = beveiligers ({ $security })
ps-ps4-community = grote gevolgen voor gemeenschappen
ps-ps4-trigger = gezondheid, veiligheid en beveiliging van gemeenschappen: { $found }
ps-ps4-dam-review = PS4: onafhankelijke deskundigen op het gebied van damveiligheid beoordelen dammen op een plek met hoog risico
ps-ps4-dam-location-needed = dammen op een plek met hoog risico hebben een onafhankelijke beoordeling van de damveiligheid nodig
ps-ps4-dams-needed = dammen, dammen voor mijnafval en asbekkens zijn een risico onder PS4
ps-ps4-security-needed = de beveiliging wordt beoordeeld onder PS4
ps-ps4-security-require = PS4: beveiliging ({ $security }): een risicobeoordeling beveiliging, screening, training in het gebruik van geweld en een manier om klachten in te dienen

## R-PS-07: PS5, grondverwerving en onvrijwillige hervestiging

ps-ps5-acquired = grond verworven door { $acquisition }
ps-ps5-restrictions = onvrijwillige beperkingen op het gebruik van grond of hulpbronnen
ps-ps5-physical = { $people } mensen moeten verhuizen
ps-ps5-economic = { $people } mensen verliezen (een deel van) hun inkomen
ps-ps5-trigger = grondverwerving en onvrijwillige hervestiging: { $found }
ps-ps5-voluntary = als een verkoper de grond vrijwillig verkoopt, geldt PS5 niet. Het bewijs dat de verkoop vrijwillig was, wordt bewaard
ps-ps5-acquisition-needed = of en hoe grond wordt verworven, bepaalt of PS5 geldt
ps-ps5-rap = PS5: { $people } mensen moeten verhuizen: een hervestigingsplan (er is geen minimum aantal)
ps-ps5-lrp = PS5: { $people } mensen verliezen (een deel van) hun inkomen, maar niemand hoeft te verhuizen: een plan voor herstel van het levensonderhoud
ps-ps5-physical-needed = als mensen moeten verhuizen, is een hervestigingsplan nodig
ps-ps5-economic-needed = als mensen inkomen verliezen, is een plan voor herstel van het levensonderhoud nodig

## R-PS-08: PS6, biodiversiteit en levende natuurlijke hulpbronnen

ps-ps6-floor = PS6: een project in kritieke habitat is categorie A
ps-ps6-protected-area = een beschermd gebied
ps-ps6-kba = een Key Biodiversity Area
ps-ps6-ramsar = een Ramsar-wetland
ps-ps6-biosphere = een biosfeerreservaat
ps-ps6-world-heritage = een werelderfgoed
ps-ps6-natural-habitat = natuurlijke habitat
ps-ps6-critical-habitat = kritieke habitat
ps-ps6-conversion-sourcing = inkoop van grondstoffen uit gebieden waar natuur mogelijk wordt omgezet
ps-ps6-trigger = biodiversiteit: { $found }
ps-ps6-critical-refer = kritieke habitat: PS6 par. 17 staat dit alleen toe als elke voorwaarde is aangetoond (geen haalbaar alternatief, geen netto achteruitgang van de soort, netto winst, langdurige monitoring)
ps-ps6-bap = PS6: kritieke habitat vraagt om een actieplan voor biodiversiteit dat netto winst oplevert, met langdurige monitoring
ps-ps6-experts = PS6: kritieke habitat wordt beoordeeld met externe deskundigen
ps-ps6-protected-permission = PS6 par. 20: in { $areas }: bewijs dat het project wettelijk is toegestaan en past bij het beheerplan, na consultatie
ps-ps6-traceability = PS6 par. 30: voor grondstoffen uit gebieden waar natuur mogelijk wordt omgezet, moet u de leveranciers kunnen nagaan
ps-ps6-fact-needed = elk gegeven over habitat en gebieden bepaalt of iets nodig is onder PS6

## R-PS-09: PS7, inheemse volkeren

ps-ps7-customary-land = nadelige gevolgen voor grond in gewoonterechtelijk of traditioneel gebruik
ps-ps7-relocation = verhuizing van inheemse volkeren
ps-ps7-cultural-heritage = grote gevolgen voor hun kritieke cultureel erfgoed
ps-ps7-commercial-use = commercieel gebruik van hun cultureel erfgoed of hun kennis
ps-ps7-trigger = inheemse volkeren: { $found }
ps-ps7-present = er wonen inheemse volkeren in het invloedsgebied
ps-ps7-floor = bijzondere omstandigheden onder PS7: { $found }
ps-ps7-icp = PS7: geïnformeerde consultatie en participatie van de betrokken inheemse volkeren
ps-ps7-ipp = PS7: een plan voor inheemse volkeren
ps-ps7-present-needed = of er inheemse volkeren zijn, bepaalt of PS7 geldt
ps-ps7-relocation-decline = inheemse volkeren moeten verhuizen zonder hun vrije, voorafgaande en geïnformeerde toestemming (FPIC) vóór de uiterste datum voor informatie
ps-ps7-fpic = PS7: vrije, voorafgaande en geïnformeerde toestemming (FPIC) voor { $found }
ps-ps7-experts = PS7: de bijzondere omstandigheden worden beoordeeld met externe deskundigen
ps-ps7-fact-needed = er zijn inheemse volkeren. Elke bijzondere omstandigheid onder PS7 bepaalt of FPIC nodig is

## R-PS-10: PS8, cultureel erfgoed

ps-ps8-ip-heritage = kritiek cultureel erfgoed van inheemse volkeren
ps-ps8-world-heritage = een werelderfgoed
ps-ps8-trigger = cultureel erfgoed: { $found }
ps-ps8-expected = er is waarschijnlijk cultureel erfgoed op de projectlocatie
ps-ps8-floor = PS8 par. 13-15: { $found }
ps-ps8-chance-find = PS8: er is waarschijnlijk cultureel erfgoed: een procedure voor toevalsvondsten
ps-ps8-heritage-needed = als er erfgoed op de projectlocatie kan zijn, is een procedure voor toevalsvondsten nodig
ps-ps8-experts = PS8: { $found } wordt beoordeeld met externe deskundigen
ps-ps8-icp = PS8: consultatie over { $found }, met een vastgelegde uitkomst
