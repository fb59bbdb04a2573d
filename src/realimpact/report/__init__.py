"""realimpact.report"""
