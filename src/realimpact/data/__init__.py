"""realimpact.data"""
