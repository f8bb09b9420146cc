# nl-trade-missions 2019.1.0: the explanations of the participant-vetting rules, in English.
# Each message is used by missions.rhai; the Dutch catalogue (nl.ftl) has the same ids.

## R-TM-01: registered in the trade register

tm-register-needed = participants must be registered in the Dutch trade register
tm-not-registered = not registered in the Dutch trade register (KvK), a condition of participation

## R-TM-02: the RBC self-assessment

tm-scan-refused = the applicant refused to complete the RBC self-assessment: the registration is cancelled
tm-scan-late = the RBC self-assessment was not completed by the deadline of { $deadline }: the registration is cancelled
tm-scan-due = the RBC self-assessment must be completed by { $deadline }
tm-scan-before-deadline = the RBC self-assessment must be completed before the mission's deadline
tm-deadline-needed = the self-assessment deadline decides when a missing scan cancels the registration

## R-TM-03: a reasonable suspicion

tm-suspicion-review = reasonable suspicion of non-compliance with the OECD Guidelines: RVO and the Ministry of Foreign Affairs review the participation (admission with dialogue conditions, or exclusion)

## R-TM-04: the Transparency Benchmark

tm-benchmark-needed = companies scoring zero on the Transparency Benchmark are engaged in a dialogue first
tm-benchmark-zero = a Transparency Benchmark score of zero: a dialogue on responsible business conduct before admission

## R-TM-05: the risk brief and the risk level

tm-brief-needs = the risk brief is for the destination and the products
tm-good-needed = each product's good is looked up in the US DoL list for the destination
tm-kind-child-labour = child labour
tm-kind-forced-labour = forced labour
tm-kind-forced-child-labour = forced child labour
tm-kind-derived = inputs made with child or forced labour in { $country }
tm-listed-pair = { $good } from { $country } ({ $kinds })
tm-brief-listed = send the country and sector risk brief and the OECD Guidelines information: the US DoL list names { $listed }
tm-brief-none = send the country and sector risk brief and the OECD Guidelines information: no pair of destination and product is on the US DoL list, which is not low risk (the CSR Risk Check is not shipped, R-X-05)
tm-risk-high-raised = high: a refusal or a referral was raised
tm-risk-high-listed = high: { $listed } on the US DoL list
tm-risk-medium-dialogue = medium: a dialogue on RBC is required before admission
tm-risk-low-score-unknown = low for now: no refusal, referral, listed product or dialogue was raised, but the Transparency Benchmark score is unknown and a score of zero would make it medium
tm-risk-low = low: no refusal, referral, listed product or dialogue was raised

## R-TM-06: objectives that conflict with the mission

tm-conflict-needed = a conflict with the mission's nature can be a legitimate ground for refusal
tm-conflict = the applicant's objectives or relationship with the government conflict with the mission: refusal on legitimate grounds must be judged
