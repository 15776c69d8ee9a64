/** What a question asks for: fixed examples of each type, phrased as users phrase them. */
import { describe, expect, it } from 'vitest';
import { classifyQuestion } from '../src/search/answer-type.js';

describe('classifyQuestion', () => {
  it.each([
    ['Who chairs the local safeguarding board?', 'person'],
    ['whose report branded the service inadequate', 'person'],
    ['Which agency inspected the council?', 'organisation'],
    ['Where will staff from different agencies work?', 'place'],
    ['Which prison is he in?', 'place'],
    ['How many children were social workers working with?', 'number'],
    ['how much did caseloads rise', 'number'],
    ['How much extra money is going into the service?', 'money'],
    ['How much did the inspection cost?', 'money'],
    ['What percentage did workloads increase by?', 'percent'],
    ['When did Daniel Pelka die?', 'date'],
    ['In what year was the review published?', 'date'],
    ['at which school was he seen with black eyes', 'place'],
    ['What year was the review published?', 'date'],
    ['How long did the inspection last?', 'duration'],
    ['For how many years were they jailed?', 'duration'],
    ['How old was Daniel?', 'age'],
    ['what age is the council leader', 'age'],
    ['Why are caseloads so high?', 'reason'],
    ['What caused the delays?', 'reason'],
    ['Did social workers ever speak to Daniel alone?', 'yesno'],
    ['is the council improving', 'yesno'],
    ['What is Ofsted?', 'definition'],
    ['caseload numbers', 'other'],
    // A noun after which/what, and amounts asked without "how much".
    ['Which political party does the council leader belong to?', 'organisation'],
    ['Which NHS trust works with the council?', 'organisation'],
    ['Which journalist wrote the story?', 'person'],
    ['What is the name of the spokesman?', 'person'],
    ['Which ward does the councillor represent?', 'place'],
    ["What is the director's salary?", 'money'],
    ['What was the cost of the review?', 'money'],
    ['What is the vacancy rate among social workers?', 'percent'],
    ["What was the child's date of birth?", 'date'],
    ['On what dates did the inspection run?', 'date'],
  ])('%s → %s', (question, type) => {
    expect(classifyQuestion(question).type).toBe(type);
  });

  it('names the speaker of a quotation question', () => {
    expect(classifyQuestion('What did George Duggins say about the report?')).toEqual({ type: 'quotation', speaker: 'george duggins' });
    expect(classifyQuestion('what does the DfE think of the pace of change')).toEqual({ type: 'quotation', speaker: 'the dfe' });
    expect(classifyQuestion('According to Amy Weir, what must partners do?')).toMatchObject({ type: 'quotation', speaker: 'amy weir' });
  });

  it('asks for no particular value when the question has no type cue', () => {
    expect(classifyQuestion('ofsted verdict coventry')).toEqual({ type: 'other' });
  });
});

