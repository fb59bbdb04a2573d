"""realimpact.define"""
