# nl-project-finance 2012.1.0: de uitleg bij de regels voor projectfinanciering en subsidies
# (IFC-categorie, openbaarmaking, plan voor gepaste zorgvuldigheid, dierenwelzijn), in het
# Nederlands (taalniveau B1). De termen volgen docs/glossary.md.

## R-SF-01: de IFC-categorie

fin-fi-no-category = geen categorie: de aanvrager is een financiële tussenpersoon (een analist bepaalt of het FI-1, FI-2 of FI-3 is, op basis van de risico's in de portefeuille)
fin-fi-refer = de aanvrager is een financiële tussenpersoon: een analist beoordeelt de FI-categorie en het eigen milieu- en sociaal managementsysteem van de tussenpersoon
fin-no-standards = geen categorie: de regeling en de medefinanciers passen de IFC Performance Standards en de Equator Principles niet toe
fin-ifc-needed = of de regeling de IFC Performance Standards toepast, bepaalt of het project een categorie krijgt
fin-ifc-assumed = de definities van de IFC bepalen alleen of er een categorie is, niet hoe hoog die is. De Nederlandse regelingen passen ze toe op projecten
fin-cofinancier-needed = een medefinancier die de Equator Principles volgt, geeft het project een categorie volgens de definities van de IFC
fin-fi-needed = een financiële tussenpersoon krijgt geen categorie A, B of C
fin-fi-assumed = de aanvrager werkt niet in de financiële sector. Is de aanvrager toch een financiële tussenpersoon? Dan krijgt de aanvraag geen categorie A, B of C
fin-c-no-works = er wordt geen fysiek werk gefinancierd (advies, beleid, opbouw van kennis en vaardigheden, of diensten): weinig of geen negatieve gevolgen
fin-near = in of bij { $place }
fin-displaced = { $people } { $people ->
    [one] persoon moet
   *[other] mensen moeten
} verhuizen (fysieke verplaatsing)
fin-b-no-works = geen fysiek werk, maar { $reasons }: beperkte negatieve gevolgen op de projectlocatie
fin-stage-needed = of er fysiek werk wordt gefinancierd, bepaalt of het project categorie C is of een andere categorie
fin-activities-needed = we vergelijken de activiteiten met de lijst van activiteiten die mogelijk grote negatieve gevolgen hebben
fin-offshore = nieuw of uitgebreid werk op zee (de gevolgen reiken verder dan de projectlocatie)
fin-resettlement-physical = { $people } { $people ->
    [one] persoon moet
   *[other] mensen moeten
} verhuizen (fysieke verplaatsing; omvangrijke onvrijwillige hervestiging)
fin-resettlement-economic = { $people } { $people ->
    [one] persoon verliest
   *[other] mensen verliezen
} inkomen of land (economische verplaatsing; omvangrijke onvrijwillige hervestiging)
fin-resettlement-both = { $physical } { $physical ->
    [one] persoon moet
   *[other] mensen moeten
} verhuizen en { $economic } { $economic ->
    [one] persoon verliest
   *[other] mensen verliezen
} inkomen of land (omvangrijke onvrijwillige hervestiging)
fin-a = mogelijk grote, uiteenlopende of onomkeerbare negatieve gevolgen: { $reasons }
fin-could-be-a = zolang dit niet bekend is, kan het project categorie A zijn
fin-typical-listed = { $activities }: een activiteit op de lijst is categorie A als het werk nieuw is of een uitbreiding
fin-listed-stage-needed = een activiteit op de lijst is categorie A als het werk nieuw is of een uitbreiding
fin-physical-works = fysiek werk ({ $activities })
fin-b = beperkte negatieve gevolgen op de projectlocatie: { $reasons }
fin-c-none = geen activiteit met fysiek werk en geen teken van negatieve gevolgen op de projectlocatie
fin-indicator-needed = voor categorie C moeten alle tekens van negatieve gevolgen op de projectlocatie bekend zijn

## R-SF-02: openbaarmaking vóór de goedkeuring

fin-disclosure = categorie { $category }: de milieu- en sociale informatie over het project moet openbaar zijn { $when }
fin-disclosure-by = uiterlijk { $due }, { $days } dagen vóór de goedkeuring (de definitieve toezegging) op { $approval }
fin-disclosure-days = { $days } dagen vóór de goedkeuring (de definitieve toezegging)

## R-SF-03: een plan voor gepaste zorgvuldigheid (due diligence)

fin-dol-goods = goederen uit de toeleveringsketen staan voor hun land op de lijst van het Amerikaanse ministerie van Arbeid (US DoL) voor kinderarbeid of dwangarbeid
fin-hr-elevated = verhoogd risico op het vlak van mensenrechten
fin-dd-plan = hoge risico's in het land en de sector ({ $reasons }): een plan voor gepaste zorgvuldigheid (due diligence) volgens de OESO-richtlijnen is nodig
fin-hr-needed = bij een hoog risico voor mensenrechten is een plan voor gepaste zorgvuldigheid (due diligence) nodig

## R-SF-04: dierenwelzijn

fin-isic = ISIC { $code }
fin-animals = er worden dieren gehouden of gekweekt ({ $found }): de OESO-FAO-handreiking voor verantwoorde toeleveringsketens in de landbouw geldt
fin-animals-needed = voor vee en viskweek (aquacultuur) geldt de OESO-FAO-handreiking over dierenwelzijn
