# De eigen teksten van de engine, in het Nederlands: woorden voor opsommingen, uitkomsten,
# categorieën, stappen en de kopjes van een uitgelegde beslissing. De regels van elk pakket
# hebben hun eigen catalogus. De termen volgen docs/glossary.md.

## Lists

list-and = en
list-more = en nog { $count }

## Uitkomsten, instrumenten, categorieën

outcome-proceed = doorgaan
outcome-proceed_with_conditions = doorgaan onder voorwaarden
outcome-insufficient_information = onvoldoende informatie
outcome-refer = voorleggen aan een analist
outcome-decline = afwijzen
instrument-export_credit = exportkredietverzekering
instrument-project_finance = projectfinanciering
instrument-trade_mission = handelsmissie
category-status-determined = definitief
category-status-provisional = voorlopig: een onbekend feit kan de categorie nog verhogen
category-status-undetermined = nog niet bepaald
category-status-not_applicable = geen categorie
category-reason-missing = nog niet bepaald: er ontbreekt informatie
category-reason-trade-mission = geen categorie: bij handelsmissies bepalen we een risiconiveau
category-reason-no-pack = nog niet bepaald: er is geen beleidspakket van kracht
category-reason-failed = nog niet bepaald: een regel kon niet worden uitgevoerd
category-reason-no-floor = geen regel verhoogde de categorie
risk-low = laag
risk-medium = middel
risk-high = hoog

## Wat een bevinding doet

effect-category_floor = categorie { $value }
effect-require = vraagt een stap
effect-trigger = { $value } is van toepassing
effect-risk_level = risiconiveau
effect-decline = afwijzen
effect-refer = voorleggen
effect-insufficient_information = informatie nodig
effect-info = opmerking

## Stappen die de aanvrager levert

step-esia = milieu- en sociale effectrapportage (ESIA)
step-esmp = milieu- en sociaal managementplan (ESMP)
step-es_information = informatie over milieu- en sociale effecten
step-independent_review = onafhankelijke beoordeling van de milieu- en sociale documenten
step-public_disclosure = openbaarmaking van de effectrapportage vóór de definitieve toezegging
step-ex_post_disclosure = publicatie van projectinformatie na de definitieve toezegging
step-rap = hervestigingsplan (RAP)
step-lrp = plan voor herstel van middelen van bestaan
step-ipp = plan voor inheemse volkeren
step-fpic = vrije, voorafgaande en geïnformeerde toestemming van inheemse volkeren (FPIC)
step-icp = geïnformeerde raadpleging en deelname
step-bap = actieplan voor biodiversiteit
step-esms = milieu- en sociaal managementsysteem
step-stakeholder_engagement_plan = plan voor het betrekken van belanghebbenden
step-grievance_mechanism = klachtenmechanisme
step-security_risk_assessment = beoordeling van veiligheidsrisico's
step-ghg_quantification = berekening van de uitstoot van broeikasgassen
step-public_ghg_reporting = openbare rapportage over de uitstoot van broeikasgassen
step-climate_risk_assessment = beoordeling van klimaatrisico's
step-alternatives_analysis = analyse van alternatieven
step-chance_find_procedure = procedure voor toevalsvondsten van cultureel erfgoed
step-hria = mensenrechteneffectbeoordeling
step-retrenchment_plan = plan voor gedwongen ontslagen
step-worker_accommodation_plan = plan voor de huisvesting van werknemers
step-young_worker_risk_assessment = risicobeoordeling voor jonge werknemers
step-dam_safety_review = beoordeling van de veiligheid van de dam
step-cumulative_impact_assessment = beoordeling van cumulatieve effecten
step-protected_area_permission = toestemming voor werk in een beschermd gebied
step-supplier_traceability = herleidbaarheid van leveranciers
step-external_expert_review = beoordeling door een externe deskundige
step-supply_chain_risk_assessment = risicobeoordeling van de toeleveringsketen
step-due_diligence_plan = plan voor gepaste zorgvuldigheid (due diligence)
step-oecd_fao_alignment = aansluiting bij de OESO-FAO-richtsnoeren voor landbouwketens
step-agent_fee_disclosure = opgave van vergoedingen aan agenten
step-enhanced_integrity_due_diligence = verscherpt integriteitsonderzoek
step-imvo_dialogue = gesprek over internationaal maatschappelijk verantwoord ondernemen (IMVO)
step-disclosure-note = minstens { $days } kalenderdagen vóór de definitieve toezegging openbaar maken
step-disclosure-note-no-date = minstens { $days } kalenderdagen vóór de definitieve toezegging openbaar maken; voor de uiterste datum is `transaction.expected_final_commitment` nodig
step-disclosure-note-overdue = minstens { $days } kalenderdagen vóór de definitieve toezegging openbaar maken; te laat sinds { $due }: de definitieve toezegging kan niet op { $commitment } vallen

## Een uitgelegde beslissing

ex-title = { $reference }  { $instrument }  per { $date }
ex-outcome = Uitkomst:  { $outcome }
ex-category = Categorie: { $category } ({ $status })
ex-category-none = Categorie: geen ({ $reason })
ex-risk = Risico:    { $level }
ex-indicative = Verwacht:   { $text }
ex-indicative-category = verwachte categorie { $category }
ex-indicative-none = nog geen verwachte categorie
ex-indicative-assuming = als { $facts }
ex-indicative-assumed-fact = { $path } { $value } is
ex-indicative-not-categorised-if = geen categorie als { $path } { $value } is
ex-indicative-definite-once = definitief zodra { $paths } bekend { $count ->
    [one] is
   *[other] zijn
}
ex-range = tussen { $lowest } en { $highest }
ex-range-or-none = tussen { $lowest } en { $highest }, of geen categorie
ex-assumed = aangenomen { $path } = { $value } ({ $rule }: { $why })
ex-typical = meestal { $category } ({ $rule }): { $reason }
ex-deciding = beslissend { $path } = { $value } → { $to } ({ $rules })
ex-why = Waarom
ex-why-none = geen regel meldde een bevinding
ex-source = bron: { $document }{ $section } [{ $level }, { $verified }]
ex-verified = gecontroleerd
ex-unverified = niet gecontroleerd
ex-in-english = (in het Engels)
ex-required = Nodig
ex-nothing = niets
ex-provided = geleverd
ex-to-deliver = NOG LEVEREN
ex-due-by = uiterlijk { $date }
ex-earliest-commitment = definitieve toezegging op zijn vroegst { $date }
ex-standards = Performance Standards
ex-missing = Ontbreekt
ex-needed-by = nodig voor { $rules }
ex-errors = Fouten (de beslissing valt veilig uit)
ex-basis = Grondslag
ex-policy-set = beleidsset { $hash }  ({ $packs })
ex-no-pack = geen pakket van kracht
ex-rate = koers: 1 { $from } = { $rate } { $to } op { $date } ({ $source })
ex-engine = engine { $version }, invoer { $hash }
ex-engine-who = engine
move-A = A
move-B = B
move-C = C
move-not_categorised = geen categorie
value-unknown = ?

## Een brief aan de aanvrager

letter-title = Uw aanvraag { $reference }: { $instrument }
letter-date = Datum: { $date }
letter-to = Aan: { $applicant }
letter-salutation = Geachte heer, mevrouw,
letter-intro-proceed = We hebben uw aanvraag { $reference } getoetst aan het beleid voor internationaal maatschappelijk verantwoord ondernemen (IMVO) dat geldt voor { $instrument }. Volgens dat beleid is er geen reden om steun te weigeren.
letter-intro-proceed_with_conditions = We hebben uw aanvraag { $reference } getoetst aan het beleid voor internationaal maatschappelijk verantwoord ondernemen (IMVO) dat geldt voor { $instrument }. Uw aanvraag kan verder zodra u de stappen hieronder hebt geleverd.
letter-intro-insufficient_information = We hebben uw aanvraag { $reference } getoetst aan het beleid voor internationaal maatschappelijk verantwoord ondernemen (IMVO) dat geldt voor { $instrument }. We hebben meer informatie nodig voordat we kunnen beslissen. Wilt u de vragen hieronder beantwoorden?
letter-intro-refer = We hebben uw aanvraag { $reference } getoetst aan het beleid voor internationaal maatschappelijk verantwoord ondernemen (IMVO) dat geldt voor { $instrument }. Een van onze analisten beoordeelt uw aanvraag nu verder. Wilt u de vragen hieronder beantwoorden en de documenten leveren? Dan kunnen we sneller beslissen.
letter-intro-decline = We hebben uw aanvraag { $reference } getoetst aan het beleid voor internationaal maatschappelijk verantwoord ondernemen (IMVO) dat geldt voor { $instrument }. Uw aanvraag komt niet in aanmerking voor steun. Hieronder leest u waarom, en op welke regels dat is gebaseerd.
letter-questions = Informatie die we nodig hebben
letter-questions-by = Wilt u uw antwoorden uiterlijk { $date } sturen?
letter-steps = Wat u moet leveren
letter-step-due = uiterlijk { $date }
letter-why = Waarom we uw aanvraag niet kunnen steunen
letter-why-source = Bron: { $document }{ $section }
letter-outro = Hebt u vragen over deze brief? Neem dan contact met ons op en noem het kenmerk { $reference }.
letter-closing = Met vriendelijke groet,
letter-signature = [naam en functie]
letter-footer = Opgesteld door imvo { $version } op basis van de beslissing over aanvraag { $reference } (beleidsset { $set }). Een analist controleert de brief voordat die wordt verstuurd.

## De beslissingspagina van de werkplek

verdict-proceed = Doorgaan
verdict-proceed_with_conditions = Doorgaan onder voorwaarden
verdict-insufficient_information = Informatie ontbreekt: vraag het de aanvrager
verdict-refer = Voorleggen: een analist moet beoordelen
verdict-decline = Afwijzen
verdict-category-trade-mission = Handelsmissie: deelnemers krijgen geen categorie
verdict-category-A = Categorie A: volledige milieu- en sociale beoordeling
verdict-category-B = Categorie B: beoordeling van plaatselijke effecten
verdict-category-C = Categorie C: weinig of geen nadelige effecten
verdict-category-none = Geen categorie

## De rapporten van de opdrachtregel

report-batch-summary = { $lines } regel(s) in { $seconds } s ({ $rate }/s): { $screened } getoetst, { $rejected } geweigerd
report-batch-outcomes = uitkomsten: { $list }
report-batch-categories = categorieën: { $list }
report-batch-risk = risiconiveaus (handelsmissies): { $list }
report-batch-errors = beslissingen met fouten bij het toetsen: { $count }
report-impact-head = { $applications } aanvraag/aanvragen vergeleken onder { $from } en { $to }; { $changed } veranderd; { $rejected } regel(s) geweigerd
report-impact-same-basis = { $count } daarvan berusten onder beide sets op dezelfde packs, gegevens en engineversie, zonder evaluatiefout: één keer getoetst (met --stored blijft hun opgeslagen besluit staan), want ze zouden hetzelfde beslist worden (--full toetst ze onder beide)
report-impact-categories = Verschuiving van categorieën (van -> naar: aantal)
report-impact-outcomes = Veranderde uitkomsten
report-impact-risk = Veranderde risiconiveaus (handelsmissies)
report-impact-rules = Regels achter de veranderingen (bevindingen die tussen de sets verschillen)
report-impact-exposure = Verschoven blootstelling (steunbedragen van de veranderde aanvragen)
report-impact-first = { $title } (de eerste { $shown } van { $count }; --json toont alles)
report-impact-rejected = Geweigerd
report-impact-changed = Veranderde aanvragen
report-impact-screening = toetsing { $id }
report-impact-line = regel { $line }
report-impact-stored-from = de opgeslagen besluiten
report-impact-stored-date = de datum van elk opgeslagen besluit
report-impact-as-of = per { $date }:
value-true = ja
value-false = nee
dp-start = Start
dp-cases = Dossiers
dp-screen-another = Nog een aanvraag toetsen
dp-history = Geschiedenis van deze aanvraag
dp-language = Taal van de uitleg:
dp-letter = Brief aan de aanvrager:
dp-letter-print = om af te drukken
dp-as-of = getoetst per
dp-tried-only = Alleen geprobeerd: deze beslissing staat niet in het register.
dp-errors = Fouten bij het toetsen
dp-errors-help = Een regel kon niet worden uitgevoerd; de beslissing valt veilig uit: minstens voorleggen aan een analist.
dp-steps = Stappen die nodig zijn
dp-due-by = uiterlijk
dp-required-by = gevraagd door
dp-requests = Informatie die we de aanvrager vragen
dp-needed-by = nodig voor
dp-findings = Bevindingen
dp-rule = Regel
dp-effect = Gevolg
dp-why = Waarom
dp-source = Bron
dp-unverified = niet gecontroleerd
