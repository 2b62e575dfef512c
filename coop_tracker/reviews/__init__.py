"""Reviews (uppföljning): a traffic-light rating, goals, cost and the recurring questions."""
