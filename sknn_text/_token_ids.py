"""The reserved token ids, in one place.

Every sequence of token ids in sknn_text is right-padded: id 0 fills the end of
short rows (and is masked by the networks), id 1 stands for a token outside the
vocabulary, and real tokens are numbered from 2 upwards. Pretrained vectors
line up the same way: the word in row ``i`` gets the id ``i + FIRST_TOKEN_ID``.
"""

PADDING_ID = 0
OOV_ID = 1
FIRST_TOKEN_ID = 2
