"""The evaluation scoreboard (综合评价): measures per unit over a period, its workbook and its page."""
