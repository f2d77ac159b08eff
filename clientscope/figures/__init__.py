"""Figure builders: data frame in, plotly figure out. One module per chart family."""
