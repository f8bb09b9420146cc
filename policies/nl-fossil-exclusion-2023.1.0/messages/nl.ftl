# nl-fossil-exclusion 2023.1.0: de uitleg bij de Nederlandse uitsluiting van de fossiele
# energiesector, in het Nederlands (taalniveau B1). De termen volgen docs/glossary.md.

## R-EC-17: de uitsluiting van de fossiele energiesector

fossil-chain-needed = de Nederlandse uitsluiting van fossiele energie geldt voor de hele keten van fossiele energie
fossil-transition-open = aangevraagd op { $filed }, vóór de uitsluiting van fossiele energie: tot en met { $last_day } kan er nog een polis worden afgegeven
fossil-transition-ended = aangevraagd op { $filed }, vóór de uitsluiting van fossiele energie. Maar de overgangsperiode voor eerdere aanvragen is op { $last_day } geëindigd
fossil-exception-needed = we moeten weten of de aanvrager een beroep doet op een uitzondering op de uitsluiting van fossiele energie
fossil-excluded = de Nederlandse uitsluiting van fossiele energie: vanaf 2023 geen exportkredietverzekering voor de fossiele energiesector in het buitenland
fossil-exception-claimed = de aanvrager doet een beroep op een uitzondering op de uitsluiting van fossiele energie ({ $exception }): een analist beoordeelt of aan de strikte voorwaarden is voldaan
