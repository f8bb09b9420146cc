# oecd-arrangement-coal 2021.1.0: de uitleg bij het verbod van de OESO-regeling op steun voor
# kolencentrales, in het Nederlands (taalniveau B1). De termen volgen docs/glossary.md.

## R-EC-16: het kolenverbod van de OESO

coal-power-needed = of het project elektriciteit uit kolen maakt, bepaalt of het kolenverbod geldt
coal-term-needed = het kolenverbod geldt als de looptijd van het krediet twee jaar of langer is
coal-stage-needed = het kolenverbod behandelt nieuwe kolencentrales, nieuwe eenheden en bestaande kolencentrales verschillend
coal-ccus-not-covered = elektriciteit uit kolen met werkende CO2-afvang, -gebruik en -opslag (CCUS): het kolenverbod geldt niet
coal-ccus-needed = nieuwe capaciteit voor elektriciteit uit kolen is verboden, behalve met werkende CO2-afvang, -gebruik en -opslag (CCUS)
coal-new-plant = een nieuwe kolencentrale
coal-new-unit = een nieuwe eenheid van een kolencentrale
coal-banned-new = het kolenverbod van de OESO: geen door de overheid gesteunde exportkredieten voor { $what } zonder werkende CO2-afvang, -gebruik en -opslag (CCUS)
coal-retrofit-allowed = een bestaande kolencentrale krijgt alsnog CO2-afvang, -gebruik en -opslag (CCUS): dat mag onder het kolenverbod
coal-abatement-allowed = minder vervuiling of CO2-uitstoot bij een bestaande kolencentrale, zonder dat de centrale langer meegaat of meer capaciteit krijgt: dat mag onder het kolenverbod
coal-banned-existing = het kolenverbod van de OESO: apparatuur voor een bestaande kolencentrale mag alleen als die de uitstoot vermindert zonder dat de centrale langer meegaat, of als die CO2-afvang, -gebruik en -opslag (CCUS) toevoegt. Deze apparatuur doet geen van beide
coal-retrofit-needed = CO2-afvang, -gebruik en -opslag (CCUS) toevoegen aan een bestaande kolencentrale mag onder het kolenverbod
coal-abatement-needed = apparatuur die vervuiling of uitstoot vermindert, mag onder het kolenverbod
coal-extends-needed = apparatuur die de uitstoot vermindert, mag alleen als de centrale daardoor niet langer meegaat en geen extra capaciteit krijgt
