"""Statistical disclosure control and differential privacy: risk, anonymisation, tables, DP,
pseudonymisation under the Korean guideline, re-identification risk and output checking."""

from .anonymise import AnonymisationResult, LocalSuppressionResult, anonymise, local_suppression
from .anonymity import AnonymityResult, anonymity_measures, equivalence_classes
from .dp import (
    NEIGHBOURS,
    DPRelease,
    count_measurement,
    dp_counts,
    dp_mean,
    dp_sum,
    gaussian_rho,
    integer_postprocess,
    simulate_counts,
)
from .hierarchy import Hierarchy, global_recode
from .infoloss import discernibility, non_uniform_entropy
from .output_checking import RULE_SOURCES, Finding, OutputChecker, Rules, Verdict
from .pseudonymise import (
    check_digit_valid,
    column_roles,
    combination_key,
    dictionary_attack,
    hangul_names,
    normalise_name,
    plain_hash,
    resident_numbers,
    romanise_hangul,
)
from .reidentification import LinkageAttackResult, ReidentificationRisk, linkage_attack, reidentification_risk
from .risk import FrequencyResult, RiskResult, frequency_counts, individual_risk
from .suppression import AuditResult, SuppressionResult, audit, secondary_suppression
from .tables import RuleResult, Table, dominance_rule, frequency_rule, p_percent_rule

__all__ = [
    "check_digit_valid",
    "column_roles",
    "combination_key",
    "dictionary_attack",
    "hangul_names",
    "normalise_name",
    "plain_hash",
    "resident_numbers",
    "romanise_hangul",
    "LinkageAttackResult",
    "ReidentificationRisk",
    "linkage_attack",
    "reidentification_risk",
    "NEIGHBOURS",
    "RULE_SOURCES",
    "AnonymisationResult",
    "AnonymityResult",
    "AuditResult",
    "DPRelease",
    "Finding",
    "FrequencyResult",
    "Hierarchy",
    "LocalSuppressionResult",
    "OutputChecker",
    "RiskResult",
    "RuleResult",
    "Rules",
    "SuppressionResult",
    "Table",
    "Verdict",
    "anonymise",
    "anonymity_measures",
    "audit",
    "count_measurement",
    "discernibility",
    "dominance_rule",
    "dp_counts",
    "dp_mean",
    "dp_sum",
    "equivalence_classes",
    "frequency_counts",
    "frequency_rule",
    "gaussian_rho",
    "global_recode",
    "individual_risk",
    "integer_postprocess",
    "local_suppression",
    "non_uniform_entropy",
    "p_percent_rule",
    "secondary_suppression",
    "simulate_counts",
]
