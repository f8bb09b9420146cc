# The engine's own messages, in English: list words, outcomes, categories, steps, and the
# headings of a decision explained. Each pack's rules have their own catalogue beside them.
# Terms follow docs/glossary.md.

## Lists

list-and = and
list-more = and { $count } more

## Outcomes, instruments, categories

outcome-proceed = proceed
outcome-proceed_with_conditions = proceed with conditions
outcome-insufficient_information = insufficient information
outcome-refer = refer to an analyst
outcome-decline = decline
instrument-export_credit = export credit insurance
instrument-project_finance = project finance
instrument-trade_mission = trade mission
category-status-determined = determined
category-status-provisional = provisional: an unknown fact could still raise it
category-status-undetermined = undetermined
category-status-not_applicable = not applicable
category-reason-missing = undetermined: missing information
category-reason-trade-mission = not categorised: trade missions are screened for a risk level
category-reason-no-pack = undetermined: no policy pack in force
category-reason-failed = undetermined: a rule failed
category-reason-no-floor = no rule raised a category floor
risk-low = low
risk-medium = medium
risk-high = high

## What a finding does

effect-category_floor = category { $value }
effect-require = requires a step
effect-trigger = applies { $value }
effect-risk_level = risk level
effect-decline = decline
effect-refer = refer
effect-insufficient_information = needs information
effect-info = note

## Steps the applicant delivers

step-esia = environmental and social impact assessment (ESIA)
step-esmp = environmental and social management plan (ESMP)
step-es_information = environmental and social information
step-independent_review = independent review of the environmental and social documents
step-public_disclosure = public disclosure of the impact assessment before final commitment
step-ex_post_disclosure = publication of project information after final commitment
step-rap = resettlement action plan (RAP)
step-lrp = livelihood restoration plan
step-ipp = Indigenous Peoples plan
step-fpic = free, prior and informed consent of Indigenous Peoples (FPIC)
step-icp = informed consultation and participation
step-bap = biodiversity action plan
step-esms = environmental and social management system
step-stakeholder_engagement_plan = stakeholder engagement plan
step-grievance_mechanism = grievance mechanism
step-security_risk_assessment = security risk assessment
step-ghg_quantification = quantification of greenhouse gas emissions
step-public_ghg_reporting = public reporting of greenhouse gas emissions
step-climate_risk_assessment = climate risk assessment
step-alternatives_analysis = analysis of alternatives
step-chance_find_procedure = chance-find procedure for cultural heritage
step-hria = human rights impact assessment
step-retrenchment_plan = retrenchment plan
step-worker_accommodation_plan = worker accommodation plan
step-young_worker_risk_assessment = risk assessment for young workers
step-dam_safety_review = dam safety review
step-cumulative_impact_assessment = cumulative impact assessment
step-protected_area_permission = permission for work in a protected area
step-supplier_traceability = traceability of suppliers
step-external_expert_review = review by an external expert
step-supply_chain_risk_assessment = supply chain risk assessment
step-due_diligence_plan = due diligence plan
step-oecd_fao_alignment = alignment with the OECD-FAO Guidance for agricultural supply chains
step-agent_fee_disclosure = disclosure of agents' fees
step-enhanced_integrity_due_diligence = enhanced integrity due diligence
step-imvo_dialogue = dialogue on responsible business conduct
step-disclosure-note = publish at least { $days } calendar days before final commitment
step-disclosure-note-no-date = publish at least { $days } calendar days before final commitment; the due date needs `transaction.expected_final_commitment`
step-disclosure-note-overdue = publish at least { $days } calendar days before final commitment; overdue since { $due }: the final commitment cannot be on { $commitment }

## A decision explained

ex-title = { $reference }  { $instrument }  as of { $date }
ex-outcome = Outcome:   { $outcome }
ex-category = Category:  { $category } ({ $status })
ex-category-none = Category:  none ({ $reason })
ex-risk = Risk:      { $level }
ex-indicative = Indicative: { $text }
ex-indicative-category = indicative Category { $category }
ex-indicative-none = no indicative category yet
ex-indicative-assuming = assuming { $facts }
ex-indicative-assumed-fact = { $path } is { $value }
ex-indicative-not-categorised-if = not categorised if { $path } is { $value }
ex-indicative-definite-once = definite once { $paths } { $count ->
    [one] is
   *[other] are
} known
ex-range = range { $lowest } to { $highest }
ex-range-or-none = range { $lowest } to { $highest }, or not categorised
ex-assumed = assumed { $path } = { $value } ({ $rule }: { $why })
ex-typical = typically { $category } ({ $rule }): { $reason }
ex-deciding = deciding { $path } = { $value } → { $to } ({ $rules })
ex-why = Why
ex-why-none = no rule reported a finding
ex-source = source: { $document }{ $section } [{ $level }, { $verified }]
ex-verified = verified
ex-unverified = unverified
ex-in-english = (in English)
ex-required = Required
ex-nothing = nothing
ex-provided = provided
ex-to-deliver = TO DELIVER
ex-due-by = due by { $date }
ex-earliest-commitment = earliest final commitment { $date }
ex-standards = Performance Standards
ex-missing = Missing
ex-needed-by = needed by { $rules }
ex-errors = Errors (the decision fails closed)
ex-basis = Basis
ex-policy-set = policy set { $hash }  ({ $packs })
ex-no-pack = no pack in force
ex-rate = rate: 1 { $from } = { $rate } { $to } on { $date } ({ $source })
ex-engine = engine { $version }, input { $hash }
ex-engine-who = engine
move-A = A
move-B = B
move-C = C
move-not_categorised = not categorised
value-unknown = ?

## A letter to the applicant

letter-title = Your application { $reference }: { $instrument }
letter-date = Date: { $date }
letter-to = To: { $applicant }
letter-salutation = Dear Sir or Madam,
letter-intro-proceed = We have screened your application { $reference } against the policy on responsible business conduct that applies to { $instrument }. We found no reason in that policy to refuse support.
letter-intro-proceed_with_conditions = We have screened your application { $reference } against the policy on responsible business conduct that applies to { $instrument }. Support can go ahead once you have delivered the steps below.
letter-intro-insufficient_information = We have screened your application { $reference } against the policy on responsible business conduct that applies to { $instrument }. We need more information before we can decide. Please answer the questions below.
letter-intro-refer = We have screened your application { $reference } against the policy on responsible business conduct that applies to { $instrument }. One of our analysts will now assess it. Please answer the questions and deliver the documents below: that helps us decide sooner.
letter-intro-decline = We have screened your application { $reference } against the policy on responsible business conduct that applies to { $instrument }. We cannot support it. Below you can read why, and which rules this is based on.
letter-questions = Information we need
letter-questions-by = Please send your answers by { $date }.
letter-steps = What you must deliver
letter-step-due = by { $date }
letter-why = Why we cannot support your application
letter-why-source = Source: { $document }{ $section }
letter-outro = If you have questions about this letter, please contact us and quote reference { $reference }.
letter-closing = Kind regards,
letter-signature = [name and position]
letter-footer = Drafted by imvo { $version } from the decision on application { $reference } (policy set { $set }), for an analyst to check before sending.

## The workbench's decision page

verdict-proceed = Proceed
verdict-proceed_with_conditions = Proceed with conditions
verdict-insufficient_information = Information missing: ask the applicant
verdict-refer = Refer: an analyst must review
verdict-decline = Decline
verdict-category-trade-mission = Trade mission: participants are not categorised
verdict-category-A = Category A: full environmental and social review
verdict-category-B = Category B: review of site-specific impacts
verdict-category-C = Category C: minimal or no adverse impacts
verdict-category-none = Not categorised

## The command line's reports

report-batch-summary = { $lines } line(s) in { $seconds } s ({ $rate }/s): { $screened } screened, { $rejected } rejected
report-batch-outcomes = outcomes: { $list }
report-batch-categories = categories: { $list }
report-batch-risk = risk levels (trade missions): { $list }
report-batch-errors = decisions with evaluation errors: { $count }
report-impact-head = { $applications } application(s) compared under { $from } and { $to }; { $changed } changed; { $rejected } line(s) rejected
report-impact-same-basis = { $count } of them rest on the same packs, data and engine version under both sets and had no evaluation error: screened once (with --stored, their stored decision stands), as they would be decided the same (--full screens them under both)
report-impact-categories = Category migration (from -> to: count)
report-impact-outcomes = Outcome changes
report-impact-risk = Risk level changes (trade missions)
report-impact-rules = Rules behind the changes (findings that differ between the sets)
report-impact-exposure = Exposure moved (support amounts of the changed applications)
report-impact-first = { $title } (the first { $shown } of { $count }; --json lists all)
report-impact-rejected = Rejected
report-impact-changed = Changed applications
report-impact-screening = screening { $id }
report-impact-line = line { $line }
report-impact-stored-from = the stored decisions
report-impact-stored-date = the date of each stored decision
report-impact-as-of = as of { $date }:
value-true = yes
value-false = no
dp-start = Start
dp-cases = Cases
dp-screen-another = Screen another
dp-history = This application's history
dp-language = Language of the explanations:
dp-letter = Letter to the applicant:
dp-letter-print = to print
dp-as-of = screened as of
dp-tried-only = Tried only: this decision is not in the record.
dp-errors = Evaluation errors
dp-errors-help = A rule failed; the decision fails closed to at least refer.
dp-steps = Required steps
dp-due-by = due by
dp-required-by = required by
dp-requests = Information to request from the applicant
dp-needed-by = needed by
dp-findings = Findings
dp-rule = Rule
dp-effect = Effect
dp-why = Why
dp-source = Source
dp-unverified = unverified
