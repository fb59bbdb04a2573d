"""realimpact.plan"""
