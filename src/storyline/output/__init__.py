"""storyline.output"""
