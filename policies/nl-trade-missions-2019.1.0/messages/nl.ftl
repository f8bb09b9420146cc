# nl-trade-missions 2019.1.0: de uitleg bij de regels voor het toelaten van deelnemers aan
# handelsmissies, in het Nederlands (taalniveau B1). De termen volgen docs/glossary.md.

## R-TM-01: ingeschreven in het Handelsregister

tm-register-needed = deelnemers moeten ingeschreven staan in het Handelsregister van de Kamer van Koophandel (KvK)
tm-not-registered = niet ingeschreven in het Handelsregister van de KvK; dat is een voorwaarde om mee te doen

## R-TM-02: de MVO-zelfscan

tm-scan-refused = de aanvrager wil de MVO-zelfscan niet invullen: de aanmelding vervalt
tm-scan-late = de MVO-zelfscan was niet ingevuld op { $deadline }, de uiterste datum: de aanmelding vervalt
tm-scan-due = de MVO-zelfscan moet uiterlijk { $deadline } ingevuld zijn
tm-scan-before-deadline = de MVO-zelfscan moet ingevuld zijn vóór de uiterste datum van de missie
tm-deadline-needed = de uiterste datum voor de zelfscan bepaalt wanneer een ontbrekende zelfscan de aanmelding laat vervallen

## R-TM-03: een redelijk vermoeden

tm-suspicion-review = er is een redelijk vermoeden dat de OESO-richtlijnen niet worden nageleefd: RVO en het ministerie van Buitenlandse Zaken beoordelen de deelname (toelating met afspraken over een dialoog, of uitsluiting)

## R-TM-04: de Transparantiebenchmark

tm-benchmark-needed = met bedrijven die nul punten scoren op de Transparantiebenchmark gaan we eerst een dialoog aan
tm-benchmark-zero = nul punten op de Transparantiebenchmark: eerst een dialoog over IMVO, daarna toelating

## R-TM-05: de risicobriefing en het risiconiveau

tm-brief-needs = de risicobriefing gaat over het land van bestemming en de producten
tm-good-needed = voor elk product zoeken we het goed op in de lijst van het Amerikaanse ministerie van Arbeid (US DoL) voor het land van bestemming
tm-kind-child-labour = kinderarbeid
tm-kind-forced-labour = dwangarbeid
tm-kind-forced-child-labour = gedwongen kinderarbeid
tm-kind-derived = grondstoffen die met kinderarbeid of dwangarbeid zijn gemaakt in { $country }
tm-listed-pair = { $good } uit { $country } ({ $kinds })
tm-brief-listed = stuur de risicobriefing voor land en sector en de informatie over de OESO-richtlijnen: de lijst van het US DoL noemt { $listed }
tm-brief-none = stuur de risicobriefing voor land en sector en de informatie over de OESO-richtlijnen: geen combinatie van bestemming en product staat op de lijst van het US DoL. Dat wil niet zeggen dat het risico laag is (de MVO Risico Checker zit niet in imvo, R-X-05)
tm-risk-high-raised = hoog: de aanvraag is afgewezen of moet aan een analist worden voorgelegd
tm-risk-high-listed = hoog: { $listed } op de lijst van het US DoL
tm-risk-medium-dialogue = middel: eerst een dialoog over IMVO, daarna toelating
tm-risk-low-score-unknown = voorlopig laag: geen afwijzing, geen voorleggen aan een analist, geen product op de lijst en geen dialoog nodig. Maar de score op de Transparantiebenchmark is niet bekend, en bij nul punten wordt het risico middel
tm-risk-low = laag: geen afwijzing, geen voorleggen aan een analist, geen product op de lijst en geen dialoog nodig

## R-TM-06: doelen die botsen met de missie

tm-conflict-needed = als de doelen van de aanvrager botsen met de aard van de missie, kan dat een geldige reden zijn om de aanmelding af te wijzen
tm-conflict = de doelen van de aanvrager, of de band met de overheid, botsen met de missie: beoordeel of afwijzen om geldige redenen nodig is
