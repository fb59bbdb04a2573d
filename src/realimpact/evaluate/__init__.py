"""Stage 6: did harm fall, against a credible counterfactual, net of displacement?"""
