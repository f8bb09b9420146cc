# cross-instrument 2016.1.0: de uitleg bij de regels die voor elke vorm van steun gelden, in het
# Nederlands (taalniveau B1). De termen volgen docs/glossary.md.

## R-X-01: controle op sanctielijsten

x-sanctions-needed = we controleren elke partij op de sanctielijsten van de EU en de VN
x-who-applicant = de aanvrager
x-who-buyer = de afnemer
x-who-end-user = de eindgebruiker
x-sanctions-confirmed = { $who } staat op een sanctielijst (bevestigd)
x-sanctions-possible = { $who } staat mogelijk op een sanctielijst: een analist moet dat uitzoeken

## R-X-02: sancties tegen het land van bestemming

x-regime-needed = als er sancties gelden tegen het land van bestemming, moet een analist de steun beoordelen
x-regime-no-voucher = geen missievoucher: er gelden sancties tegen het land van bestemming ({ $regime })
x-voucher-needed = er is geen missievoucher voor een land van bestemming waartegen sancties gelden
x-regime-refer = er gelden sancties tegen het land van bestemming ({ $regime }): een analist beoordeelt de steun aan de hand van die sancties

## R-X-03: de OESO-richtlijnen onderschrijven

x-oecd-refused = de aanvrager onderschrijft de OESO-richtlijnen niet. Dat is een voorwaarde voor alle steun
x-oecd-late = de aanvrager heeft de OESO-richtlijnen niet onderschreven vóór de uiterste datum voor informatie ({ $deadline })
x-oecd-needed = voor steun moet de aanvrager de OESO-richtlijnen onderschrijven

## R-X-07: redelijk vermoeden van niet-naleving van de OESO-richtlijnen

x-ground-ncp-case = een melding bij het NCP uit { $year } ({ $status })
x-ground-media = betrouwbare negatieve informatie
x-suspicion = redelijk vermoeden van niet-naleving van de OESO-richtlijnen: { $grounds }
x-ncp-cases-needed = meldingen bij het Nationaal Contactpunt voor de OESO-richtlijnen (NCP) horen bij de controle of de aanvrager de OESO-richtlijnen naleeft
x-media-needed = negatieve informatie over de aanvrager hoort bij de controle of de aanvrager de OESO-richtlijnen naleeft

## R-X-08: omkoping

x-bribery-proven = bewezen omkoping: geen exportkredietverzekering
x-bribery-needed = bij bewezen omkoping krijgt de aanvrager geen steun
x-declaration-refused = de aanvrager ondertekent de anti-omkopingsverklaring niet
x-declaration-late = de aanvrager heeft de anti-omkopingsverklaring niet ondertekend vóór de uiterste datum voor informatie ({ $deadline })
x-declaration-needed = voor een exportkredietverzekering is een ondertekende anti-omkopingsverklaring nodig
x-agent-disclose = er is een agent betrokken: geef de agent en zijn vergoeding op
x-agent-needed = als er een agent betrokken is, moet de aanvrager de agent en zijn vergoeding opgeven
x-flag-agent = er is een agent betrokken
x-flag-media = negatieve informatie ({ $media })
x-flag-hr-risk = een verhoogd risico op het vlak van mensenrechten in het gastland
x-integrity-dd = verscherpt integriteitsonderzoek: { $flags } (we mogen de Corruption Perceptions Index hier niet gebruiken; het risico voor mensenrechten en negatieve informatie tellen in plaats daarvan)

## R-X-04: de uitsluitingslijst

x-exclusion-needed = activiteiten op de uitsluitingslijst krijgen geen steun
x-exclusion-listed = activiteiten op de uitsluitingslijst: { $activities }

## R-X-05: de MVO Risico Checker

x-csr-risk-check-unavailable = data_unavailable: de risico's per land en product van de MVO Risico Checker zitten niet in imvo. Wie imvo gebruikt, moet het land en de producten zelf opzoeken en de gevonden risico's invoeren. Als er geen risico's gevonden zijn, betekent dat: geen informatie. Het betekent nooit dat het risico laag is

## R-X-06: het land van het project

x-country-needed = de locatie bepaalt welke regels gelden voor het land, voor gevoelige gebieden en voor aangewezen landen

## R-X-09: kinderarbeid en dwangarbeid in de toeleveringsketen

x-supply-chain-needed = we vergelijken de goederen en landen van de directe toeleveringsketen met de lijst van het Amerikaanse ministerie van Arbeid (US DoL) voor kinderarbeid en dwangarbeid
x-chain-item = { $good } uit { $country }
x-chain-item-derived = { $item } (grondstoffen uit { $country })
x-dol-child-labour = kinderarbeid ({ $items })
x-dol-forced-labour = dwangarbeid ({ $items })
x-dol-forced-child-labour = gedwongen kinderarbeid ({ $items })
x-dol-derived = goederen gemaakt met grondstoffen die op de lijst staan ({ $items })
x-dol-trigger = de directe toeleveringsketen staat op de lijst van het US DoL: { $listed }
x-dol-require = PS2 par. 27-29: breng de toeleveringsketen in kaart en controleer die steeds op { $listed }
x-dol-forced-child-refer = gedwongen kinderarbeid in de directe toeleveringsketen ({ $items }): een analist moet dit beoordelen

## R-X-10: de ITUC Global Rights Index

x-ituc-unavailable = data_unavailable: de ITUC Global Rights Index heeft geen open licentie en zit niet in imvo. Wie imvo gebruikt, moet de score van het projectland zelf invoeren. Bij een score van 5 of 5+ vraagt PS2 par. 13-14 om andere manieren waarop werknemers zorgen kunnen melden, en komen er vragen over arbeidsrechten bij
