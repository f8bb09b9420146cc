# equator-principles 2020.1.0: de uitleg bij de regels van de Equator Principles (EP4) voor
# projectfinanciering, in het Nederlands (taalniveau B1). De termen volgen docs/glossary.md.

## R-SF-05: vallen onder de Equator Principles

ep-cofinancier-needed = als een medefinancier de Equator Principles toepast, valt het project onder de Equator Principles
ep-in-scope = het project valt onder de Equator Principles: een financier die de Equator Principles toepast (EPFI), financiert mee ({ $product })
ep-product-needed = of het project onder de Equator Principles valt, hangt af van het financiële product
ep-capex-needed = projectfinanciering valt onder de Equator Principles als het project USD 10 miljoen of meer kost
ep-prcl-needed = een projectgebonden bedrijfslening valt onder de Equator Principles vanaf USD 50 miljoen (voor de hele lening én voor het deel van de EPFI) en een looptijd van 2 jaar

## R-SF-06: welke normen gelden

ep-country-needed = welke normen gelden, hangt af van het land: is het een aangewezen land van de Equator Principles (EP Designated Country) of niet?
ep-designated = { $country } is een aangewezen land van de Equator Principles (EP Designated Country, lijst van { $date }). De wet van het gastland geldt. We controleren ook waar die wet afwijkt van de IFC Performance Standards (EP4 neemt niet meer vanzelf aan dat het project daaraan voldoet)
ep-not-designated = { $country } is geen aangewezen land van de Equator Principles (EP Designated Country): de IFC Performance Standards en de EHS Guidelines van de Wereldbankgroep gelden

## R-SF-07: klimaatrisico's en uitstoot van broeikasgassen

ep-physical-risk = EP4, categorie A: een beoordeling van de fysieke klimaatrisico's, volgens de aanbevelingen van de TCFD
ep-ghg-needed = boven 100.000 ton CO2e per jaar vraagt EP4 om een beoordeling van de transitierisico's en een onderzoek naar alternatieven
ep-transition-risk = uitstoot in scope 1 en 2 van { $ghg } ton CO2e per jaar: een beoordeling van de transitierisico's
ep-alternatives = uitstoot in scope 1 en 2 van { $ghg } ton CO2e per jaar: een onderzoek naar alternatieven met minder uitstoot van broeikasgassen
ep-ghg-reporting = uitstoot in scope 1 en 2 van { $ghg } ton CO2e per jaar: elk jaar openbare rapportage over de broeikasgasemissies

## R-SF-08: onafhankelijke beoordeling

ep-pf-review = EP4, projectfinanciering in categorie A: een onafhankelijke beoordeling door een deskundige op het gebied van milieu en sociale zaken
ep-impact-indigenous = negatieve gevolgen voor inheemse volkeren
ep-impact-critical-habitat = kritieke habitat
ep-impact-cultural-heritage = grote gevolgen voor cultureel erfgoed
ep-high-risk-needed = een projectgebonden bedrijfslening met grote risico's voor mens en milieu heeft een onafhankelijke beoordeling nodig
ep-resettlement-needed = bij hervestiging op grote schaal is een onafhankelijke beoordeling nodig
ep-impact-resettlement = hervestiging op grote schaal ({ $people ->
    [one] { $people } persoon
   *[other] { $people } personen
})
ep-prcl-review = EP4, projectgebonden bedrijfslening met { $impacts }: een onafhankelijke beoordeling is nodig
