# oecd-common-approaches 2016.1.0: de uitleg bij de regels, in het Nederlands (taalniveau B1):
# reikwijdte, beoordeling en mensenrechten (scope.rhai, review.rhai, humanrights.rhai), daarna
# bijlage I, de categorieën en de stappen voor categorie A (annex_i.rhai, category.rhai,
# steps.rhai). Dezelfde ids als en.ftl; de termen volgen docs/glossary.md.

## R-EC-01: valt de transactie onder de Common Approaches?

ca-scope-within = valt onder de Common Approaches van de OESO: { $goods } met een looptijd van het krediet van { $term } maanden
ca-scope-goods-excluded = valt niet onder de Common Approaches van de OESO: { $goods } zijn uitgesloten
ca-scope-term-short = valt niet onder de Common Approaches van de OESO: de looptijd van het krediet is { $term } maanden. De Common Approaches gelden pas vanaf { $min } maanden
ca-scope-goods-needed = wat er wordt geëxporteerd, bepaalt of de Common Approaches van toepassing zijn
ca-scope-term-needed = de looptijd van het krediet bepaalt of de Common Approaches van toepassing zijn
ca-scope-assumption = dit feit bepaalt alleen of er een categorie is, niet hoe hoog die is. Klopt de aanname niet, dan krijgt de aanvraag geen categorie

## R-EC-02: de drempel

ca-scope-share-above = volledige milieu- en sociale beoordeling: het verzekerde deel is { $share }. Dat is SDR { $threshold } of meer
ca-scope-share-below = het verzekerde deel is { $share }. Dat is minder dan SDR { $threshold }: alleen een beoordeling als het project gevoelig is (R-EC-03)
ca-scope-share-needed = we vergelijken het verzekerde deel met de drempel van SDR 10 miljoen

## R-EC-03: onder de drempel, maar gevoelig

ca-scope-sensitive-reviewed = onder de drempel, maar toch een beoordeling: er is een gevoelig gebied, een sector van Bijlage I, een verhoogd risico op het vlak van mensenrechten, of een situatie waarin PS7 vrije, voorafgaande en geïnformeerde toestemming (FPIC) vraagt
ca-scope-not-sensitive = geen categorie: onder de drempel van SDR 10 miljoen, geen gevoelig gebied of gevoelige sector, en geen verhoogd risico op het vlak van mensenrechten
ca-scope-location-needed = ook onder de drempel is een beoordeling nodig bij een gevoelig gebied
ca-scope-sector-needed = ook onder de drempel is een beoordeling nodig bij een gevoelige sector
ca-scope-hr-needed = ook onder de drempel is een beoordeling nodig bij een verhoogd risico op het vlak van mensenrechten

## R-EC-05: project, geen project of bestaande activiteit?

ca-scope-spare-parts = geen categorie: een levering van reserveonderdelen aan een bestaande activiteit is geen project. We beoordelen alleen de sector en de locatie
ca-scope-not-a-project = geen categorie: de export hoort niet bij een project. We beoordelen alleen de sector en de locatie
ca-scope-existing-operation = geen categorie: een bestaande activiteit zonder wezenlijke verandering. We beoordelen de risico's van de bestaande activiteit
ca-scope-stage-needed = of dit een nieuw project, een uitbreiding of een bestaande activiteit is, bepaalt hoe we het beoordelen
ca-scope-spare-parts-needed = reserveonderdelen zijn geen project
ca-scope-location-project = werk in of bij een gevoelig gebied telt altijd als project
ca-scope-project = een project ({ $stage }): het krijgt categorie A, B of C

## R-EC-14: ernstige gevolgen voor mensenrechten

ca-hr-risk-needed = elke aanvraag onder de Common Approaches wordt gecontroleerd op ernstige gevolgen voor mensenrechten
ca-hr-risk-normal = gecontroleerd op ernstige gevolgen voor mensenrechten: normaal risico
ca-hr-severe-security-forces = veiligheidstroepen van de overheid
ca-hr-severe-conflict = een gebied met een gewapend conflict
ca-hr-severe-ip-relocation = inheemse volkeren die moeten verhuizen
ca-hr-severe-displacement = mensen die moeten verhuizen of hun inkomen of land verliezen
ca-hr-severe-community = grote gevolgen voor lokale gemeenschappen
ca-hr-indicator-needed = bij een verhoogd risico op het vlak van mensenrechten zijn gegevens nodig die op ernstige gevolgen kunnen wijzen
ca-hr-hria = verhoogd risico op het vlak van mensenrechten, met { $found }: een mensenrechteneffectbeoordeling vult de milieu- en sociale effectrapportage (ESIA) aan
ca-hr-severe = hoog risico op ernstige gevolgen voor mensenrechten: { $found }
ca-hr-no-severe = verhoogd risico op het vlak van mensenrechten, maar niets wijst op ernstige gevolgen: dit komt aan bod in de milieu- en sociale beoordeling

## R-EC-04: buiten de Common Approaches, maar met signalen van risico

ca-review-flag-location = een gevoelig gebied
ca-review-flag-sector = een gevoelige sector
ca-review-flag-hr = een verhoogd risico op het vlak van mensenrechten
ca-review-national = valt niet onder de Common Approaches, maar er is { $flags }: de verzekeraar beoordeelt de risico's volgens de eigen, nationale regels

## R-EC-08: aanzienlijke hervestiging

ca-review-physical = { $physical } mensen moeten verhuizen (fysieke verplaatsing): dat is aanzienlijke hervestiging ({ $line } of meer)
ca-review-economic = { $economic } mensen verliezen hun inkomen of land (economische verplaatsing): dat is aanzienlijke hervestiging ({ $line } of meer)
ca-review-together = { $physical } mensen moeten verhuizen en { $economic } mensen verliezen hun inkomen of land: dat is aanzienlijke hervestiging ({ $line } of meer samen)
ca-review-physical-needed = bij aanzienlijke hervestiging krijgt het project categorie A
ca-review-economic-needed = bij aanzienlijke hervestiging, fysiek of economisch, krijgt het project categorie A

## R-EC-12: informatie en ESMP bij categorie B

ca-review-b-information = categorie B: de exporteur levert de relevante milieu- en sociale projectinformatie
ca-review-b-esmp = categorie B: een milieu- en sociaal managementplan (ESMP) (Nederlandse praktijk)

## R-EC-13: de referentienormen

ca-review-standards-world-bank = de safeguard policies van de Wereldbank (de afnemer is een overheid en het is geen projectfinanciering)
ca-review-standards-ifc = de IFC Performance Standards en de EHS Guidelines van de Wereldbankgroep
ca-review-benchmarked = het project moet voldoen aan de wetgeving van het gastland en aan { $standards }. Als de grenswaarden verschillen, geldt de strengste

## R-EC-15: broeikasgassen melden

ca-review-ghg-needed = een verwachte uitstoot van meer dan 25.000 ton CO2e per jaar melden we aan de OESO
ca-review-ghg-reported = de verwachte uitstoot (Scope 1 en 2) is { $ghg } ton CO2e per jaar. Dat melden we aan de Export Credit Group van de OESO (berekening volgens PS3: R-PS-05)
ca-review-fossil-plant = een nieuwe elektriciteitscentrale op { $fuel }: we melden aan de OESO wat er gebeurt om CO2-uitstoot te vermijden, te beperken of te compenseren

## R-EC-18: afwijking van de referentienormen

ca-review-deviation = het project voldoet op een belangrijk punt niet aan de referentienormen: er is een besluit over deze afwijking nodig voordat er steun kan komen
ca-review-deviation-reported = als er toch steun komt, melden we de afwijking en de redenen aan de OESO
ca-review-deviation-assessed = afwijkingen van de referentienormen komen aan bod in de beoordeling

## R-EC-19: melden en publiceren achteraf

ca-review-ex-post-report = categorie { $category }: we melden het project aan de Export Credit Group van de OESO zodra de polis is afgegeven
ca-review-ex-post-summary = categorie { $category }: de verzekeraar publiceert na het afgeven van de polis een korte samenvatting van de milieu- en sociale gevolgen

## R-EC-20: geweigerde of te late informatie

ca-review-refused = de exporteur wil informatie die nodig is voor de screening niet geven ({ $refused }): de aanvraag komt niet in aanmerking voor een exportkredietverzekering
ca-review-late = er ontbreekt nog informatie na de uiterste datum van { $deadline }: de aanvraag komt niet in aanmerking voor een exportkredietverzekering

## R-EC-06: Bijlage I, de lijst met voorbeelden van projecten in categorie A

ca-annex-stage-needed = Bijlage I geldt voor nieuwe projecten en uitbreidingen
ca-annex-activities-needed = we vergelijken de activiteiten van het project met de lijst van projecten in categorie A in Bijlage I
ca-annex-compared = we vergelijken { $what } met de grens in Bijlage I

## R-EC-06.1: olieraffinaderijen en kolenvergassing

ca-annex-item-1-refinery = een raffinaderij voor ruwe olie staat op de lijst van Bijlage I
ca-annex-what-coal = het aantal ton kolen dat per dag wordt vergast
ca-annex-item-1-coal = kolenvergassing van { $tonnes } ton per dag. Dat is gelijk aan of meer dan de grens van { $threshold } ton per dag in Bijlage I

## R-EC-06.2: thermische centrales en kerncentrales

ca-annex-item-2-nuclear = een kerncentrale staat op de lijst van Bijlage I
ca-annex-item-2-thermal = thermische centrale van { $mwth } MWth. Dat is gelijk aan of meer dan de grens van { $threshold } MWth in Bijlage I
ca-annex-item-2-electrical = centrale van { $mwe } MWe. Het thermisch vermogen is minstens even groot, dus gelijk aan of meer dan de grens van { $threshold } MWth in Bijlage I
ca-annex-item-2-technology = { $tech ->
        [steam] stoomcentrale
        [single_cycle_gas_turbine] centrale met een enkelvoudige gasturbine
       *[other] centrale ({ $tech })
    } van { $mwe } MWe. Dat is gelijk aan of meer dan de grens van { $threshold } MWe. Volgens Bijlage I staat die gelijk aan 300 MWth
ca-annex-item-2-heat-needed = we vergelijken het thermisch vermogen met de grens van 300 MWth in Bijlage I

## R-EC-06.3: splijtstof en radioactief afval

ca-annex-item-3 = installaties voor splijtstof (kernbrandstof) of radioactief afval staan op de lijst van Bijlage I

## R-EC-06.4: ijzer, staal en non-ferrometalen

ca-annex-item-4-steel = geïntegreerde fabrieken voor het eerste smelten van gietijzer en staal staan op de lijst van Bijlage I
ca-annex-item-4-non-ferrous = de productie van ruwe non-ferrometalen staat op de lijst van Bijlage I

## R-EC-06.5: asbest

ca-annex-item-5-product-needed = Bijlage I geeft voor elk asbestproduct een andere grens
ca-annex-what-asbestos = het aantal ton asbest per jaar
ca-annex-item-5 = asbest ({ $product }) van { $tonnes } ton per jaar. Dat is meer dan de grens van { $threshold } ton in Bijlage I

## R-EC-06.6: geïntegreerde chemische installaties

ca-annex-item-6 = geïntegreerde chemische installaties staan op de lijst van Bijlage I

## R-EC-06.7: autosnelwegen, spoorwegen, luchthavens en wegen

ca-annex-item-7-kind = { $kind ->
        [motorway] een autosnelweg
        [express_road] een autoweg
        [long_distance_railway] een spoorlijn voor lange afstanden
       *[other] een { $kind }
    } staat op de lijst van Bijlage I
ca-annex-what-runway = de basislengte van de startbaan
ca-annex-item-7-airport = een luchthaven met een startbaan van { $runway } m. Dat is gelijk aan of meer dan de grens van { $threshold } m in Bijlage I
ca-annex-item-7-lanes-needed = we vergelijken het aantal rijstroken met de grens in Bijlage I
ca-annex-item-7-km-needed = we vergelijken de lengte van de doorgaande weg met de grens in Bijlage I
ca-annex-item-7-road = een weg met { $lanes } rijstroken over { $km } km. Dat is gelijk aan of meer dan de grenzen van { $lanes_threshold } rijstroken en { $km_threshold } km in Bijlage I

## R-EC-06.8: pijpleidingen en terminals

ca-annex-item-8-pipeline = pijpleidingen en terminals voor vervoer van gas, olie of chemicaliën op grote schaal staan op de lijst van Bijlage I
ca-annex-item-8-lng = een LNG-terminal of LNG-fabriek is een terminal voor vervoer van gas op grote schaal. Die staat op de lijst van Bijlage I

## R-EC-06.9: zeehavens en binnenvaartwegen

ca-annex-what-vessel = de grootte van de schepen die de haven of vaarweg kunnen gebruiken
ca-annex-item-9 = een haven of vaarweg voor schepen van { $tonnes } ton. Dat is meer dan de grens van { $threshold } ton in Bijlage I

## R-EC-06.10: gevaarlijk afval

ca-annex-item-10 = verbranden, chemisch behandelen of storten van gevaarlijk afval staat op de lijst van Bijlage I

## R-EC-06.11: grote dammen en stuwmeren

ca-annex-item-11 = een dam of stuwmeer met { $volume } m3 water en een dam van { $height } m hoog. Bijlage I noemt meer dan { $volume_threshold } m3, of een dam van { $height_threshold } m of hoger
ca-annex-item-11-volume = een dam of stuwmeer met { $volume } m3 water. Bijlage I noemt meer dan { $volume_threshold } m3, of een dam van { $height_threshold } m of hoger
ca-annex-item-11-height = een dam of stuwmeer met een dam van { $height } m hoog. Bijlage I noemt meer dan { $volume_threshold } m3, of een dam van { $height_threshold } m of hoger
ca-annex-item-11-volume-needed = we vergelijken de hoeveelheid opgeslagen water met de grens in Bijlage I
ca-annex-item-11-height-needed = we vergelijken de hoogte van de dam met de grens in Bijlage I

## R-EC-06.12: grondwater oppompen

ca-annex-what-groundwater = de hoeveelheid grondwater die per jaar wordt opgepompt
ca-annex-item-12 = oppompen van { $volume } m3 grondwater per jaar. Dat is gelijk aan of meer dan de grens van { $threshold } m3 in Bijlage I

## R-EC-06.13: pulp en papier

ca-annex-what-paper = de productie in ton luchtdroge stof per dag
ca-annex-item-13 = productie van pulp en papier van { $tonnes } ton luchtdroge stof per dag. Dat is meer dan de grens van { $threshold } in Bijlage I

## R-EC-06.14: winning op grote schaal

ca-annex-item-14-sector-needed = of winning de hoofdactiviteit van het project is (ISIC sectie B), bepaalt of het om winning op grote schaal gaat
ca-annex-item-14 = winning op grote schaal ({ $kinds }) als hoofdactiviteit (ISIC { $sector }) staat op de lijst van Bijlage I

## R-EC-06.15: aardolie en aardgas

ca-annex-item-15 = commerciële winning van aardolie en aardgas staat op de lijst van Bijlage I

## R-EC-06.16: opslag van aardolie en chemicaliën

ca-annex-what-storage = de opslagcapaciteit
ca-annex-item-16 = opslag van { $tonnes } ton aardolieproducten of chemische producten. Dat is gelijk aan of meer dan de grens van { $threshold } ton in Bijlage I

## R-EC-06.17: houtkap op grote schaal

ca-annex-item-17 = houtkap op grote schaal staat op de lijst van Bijlage I

## R-EC-06.18: afvalwaterzuivering

ca-annex-what-wastewater = de capaciteit van de zuivering
ca-annex-item-18 = zuivering van afvalwater voor { $pe } inwonerequivalenten. Dat is meer dan de grens van { $threshold } in Bijlage I

## R-EC-06.19: huishoudelijk afval

ca-annex-item-19 = verwerken en storten van huishoudelijk afval staat op de lijst van Bijlage I

## R-EC-06.20: toerisme en winkelcentra

ca-annex-item-20 = bouw voor toerisme en detailhandel op grote schaal staat op de lijst van Bijlage I

## R-EC-06.21: bovengrondse hoogspanningslijnen

ca-annex-what-voltage = de spanning van de lijn
ca-annex-what-line-length = de lengte van de lijn
ca-annex-item-21 = een bovengrondse hoogspanningslijn van { $kv } kV over { $km } km. Dat is gelijk aan of meer dan de grens van { $kv_threshold } kV en langer dan de grens van { $km_threshold } km in Bijlage I

## R-EC-06.22: landaanwinning

ca-annex-item-22 = landaanwinning op grote schaal staat op de lijst van Bijlage I

## R-EC-06.23: landbouw

ca-annex-item-23 = landbouw op grote schaal met intensivering of omzetting van natuurlijke leefgebieden staat op de lijst van Bijlage I

## R-EC-06.24: leerlooierijen

ca-annex-what-tannery = de productie van de leerlooierij per dag
ca-annex-item-24 = looien van { $tonnes } ton per dag. Dat is meer dan de grens van { $threshold } ton per dag in Bijlage I

## R-EC-06.25: intensieve veehouderij

ca-annex-item-25 = { $places } plaatsen voor { $kind ->
        [broiler] vleeskuikens
        [hen] legkippen
        [pig] vleesvarkens
        [sow] zeugen
       *[other] { $kind }
    }. Dat is meer dan de grens van { $threshold } in Bijlage I
ca-annex-item-25-places-needed = we vergelijken het aantal dierplaatsen met de grens in Bijlage I

## R-EC-07: gevoelige gebieden

ca-cat-sensitive-location = in of bij een gevoelig gebied: { $locations }
ca-cat-sensitive-flag-needed = we hebben elk gegeven over gevoelige gebieden nodig voor de categorie en de beoordeling

## R-EC-09: negatieve gevolgen op de projectlocatie (B) of geen (C)

ca-cat-physical-works = nieuwe of uitgebreide bouwwerken ({ $activities })
ca-cat-sensitive-sector = een gevoelige sector (een activiteit uit Bijlage I of een sector uit de tabel sensitive-sectors)
ca-cat-site-impacts = negatieve gevolgen op de projectlocatie: { $impacts }
ca-cat-no-site-impact = er is geen aanwijzing voor negatieve gevolgen op de projectlocatie
ca-cat-site-indicator-needed = we moeten alle aanwijzingen voor negatieve gevolgen op de projectlocatie kennen om de beoordeling af te ronden

## R-EC-21: werken op zee

ca-cat-offshore = nieuwe of uitgebreide werken op zee ({ $activities }): de negatieve gevolgen reiken verder dan de projectlocatie
ca-cat-offshore-needed = werken op zee hebben gevolgen die verder reiken dan de projectlocatie

## R-EC-10: milieu- en sociale effectrapportage (ESIA), managementplan en onafhankelijke beoordeling bij categorie A

ca-step-esia = categorie A: de exporteur levert een milieu- en sociale effectrapportage (ESIA). Dat is een rapport over de gevolgen voor mens en milieu
ca-step-esmp = categorie A: de exporteur levert een milieu- en sociaal managementplan (ESMP)
ca-step-independent-review = categorie A: een onafhankelijke deskundige beoordeelt de ESIA

## R-EC-11: publicatie vóór de definitieve toezegging

ca-step-disclosure = categorie A: de informatie over het project en de ESIA moet op tijd openbaar zijn: { $when }
ca-step-disclosure-by = uiterlijk op { $date }, dus { $days } dagen vóór de verwachte definitieve toezegging op { $commitment }
ca-step-disclosure-days = { $days } dagen vóór de definitieve toezegging
