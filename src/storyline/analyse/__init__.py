"""storyline.analyse"""
