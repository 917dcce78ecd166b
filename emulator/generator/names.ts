/**
 * Word lists for the data generator. Kept short on purpose: combinations of first × last names and the
 * person index (folded into email local parts) give millions of distinct but plausible people.
 */
export const FIRST_NAMES = [
  'James', 'Mary', 'Robert', 'Patricia', 'John', 'Jennifer', 'Michael', 'Linda', 'David', 'Elizabeth',
  'William', 'Barbara', 'Richard', 'Susan', 'Joseph', 'Jessica', 'Thomas', 'Sarah', 'Charles', 'Karen',
  'Daniel', 'Lisa', 'Matthew', 'Nancy', 'Anthony', 'Sandra', 'Mark', 'Ashley', 'Steven', 'Emily',
  'Andrew', 'Michelle', 'Joshua', 'Amanda', 'Kevin', 'Melissa', 'Brian', 'Stephanie', 'George', 'Rebecca',
  'Aroha', 'Mere', 'Tane', 'Wiremu', 'Priya', 'Arjun', 'Mei', 'Wei', 'Hiroshi', 'Yuki',
  'Sofia', 'Mateo', 'Lucia', 'Diego', 'Chloé', 'Zoë', 'Renée', 'José', 'Søren', "D'Arcy",
  'Liam', 'Olivia', 'Noah', 'Emma', 'Oliver', 'Ava', 'Elijah', 'Isla', 'Lucas', 'Mia',
];

export const LAST_NAMES = [
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez',
  'Hernandez', 'Lopez', 'Wilson', 'Anderson', 'Thomas', 'Taylor', 'Moore', 'Jackson', 'Martin', 'Lee',
  'Thompson', 'White', 'Harris', 'Clark', 'Lewis', 'Robinson', 'Walker', 'Young', 'Allen', 'King',
  'Ngata', 'Parata', 'Te Awa', 'Patel', 'Singh', 'Chen', 'Wang', 'Nguyen', 'Tanaka', 'Kim',
  "O'Brien", 'McDonald', 'van der Berg', 'Smith-Jones', 'Müller', 'Åberg', 'Dubois', 'Rossi', 'Kowalski', 'Murphy',
];

export const EMAIL_DOMAINS = ['gmail.com', 'yahoo.com', 'hotmail.com', 'outlook.com', 'icloud.com', 'xtra.co.nz', 'example.org', 'proton.me'];

export const CITIES: ReadonlyArray<{ city: string; state: string; country: string; postcode: string }> = [
  { city: 'Auckland', state: 'Auckland', country: 'NZ', postcode: '1010' },
  { city: 'Wellington', state: 'Wellington', country: 'NZ', postcode: '6011' },
  { city: 'Christchurch', state: 'Canterbury', country: 'NZ', postcode: '8011' },
  { city: 'Sydney', state: 'NSW', country: 'AU', postcode: '2000' },
  { city: 'Melbourne', state: 'VIC', country: 'AU', postcode: '3000' },
  { city: 'Portland', state: 'OR', country: 'US', postcode: '97205' },
  { city: 'Austin', state: 'TX', country: 'US', postcode: '78701' },
  { city: 'Toronto', state: 'ON', country: 'CA', postcode: 'M5H 2N2' },
];

export const STREETS = ['Queen Street', 'High Street', 'Main Road', 'Victoria Avenue', 'Park Lane', 'Church Street', 'George Street', 'Elm Street'];
export const SUBURBS = ['Ponsonby', 'Newtown', 'Riccarton', 'Surry Hills', 'Fitzroy', 'Pearl District', 'Downtown', 'Annex'];

export const PRODUCT_WORDS = [
  'Coffee Beans', 'Tea Towel', 'Ceramic Mug', 'Tote Bag', 'Notebook', 'Candle', 'Sunglasses', 'Beanie',
  'Wool Socks', 'T-Shirt', 'Water Bottle', 'Chocolate Bar', 'Greeting Card', 'Scarf', 'Phone Case', 'Soap',
];
export const PRODUCT_ADJECTIVES = ['Classic', 'Organic', 'Deluxe', 'Mini', 'Large', 'Vintage', 'Eco', 'Limited'];
