"""realimpact.prioritise"""
