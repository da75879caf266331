"""Linking: one incident per real-world event, however many reports describe it.

``scoring`` compares two extracted reports and explains its score in words;
``clustering`` groups reports deterministically so that the result does not
depend on the order documents arrived in; ``reconcile`` derives an incident's
shown values from its sources' claims by documented rules. All pure: the
services layer loads and stores.
"""
