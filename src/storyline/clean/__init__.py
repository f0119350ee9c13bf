"""storyline.clean"""
