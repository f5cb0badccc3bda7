"""Libro POM: load, validate and analyse a multi-year operational plan (POM).

Glossary — the plan's Spanish terms and the English identifiers used for them:

=========================  ==========================
Spanish (data, book)       English (code)
=========================  ==========================
programa                   program
producto                   product
subproducto                subproduct
meta física                physical goal
meta financiera            financial goal (quetzales)
unidad de medida           unit (of measure)
total anual                yearly total
ficha de indicador         indicator fiche
línea de base              baseline
dato absoluto / relativo   absolute / relative value
ejecución                  execution
población objetivo         target population
cobertura                  coverage
conciliación               reconciliation
discrepancia reconocida    acknowledged discrepancy
=========================  ==========================
"""
