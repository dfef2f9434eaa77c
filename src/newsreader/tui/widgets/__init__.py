"""Line-rendered widgets of the reader: article list, text pane, search results."""
